"""Builds a realistic, deterministic demo program: same seed and date, same data.

Each domain adds its part with `@demo_step`; steps run in registration order and share a
`DemoContext` (random source, Faker, the date the demo is built for, and the people made so far).
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from faker import Faker
from sqlalchemy import func, select

from ..database import FLUSHED, IMMEDIATE, begin_immediate
from ..dates import academic_year_of, utcnow
from ..extensions import db
from ..people.models import ClinicSite, Field, Firm, Person
from ..people.security import hash_password
from ..people.services import ensure_roles

DEMO_PASSWORD = "wellness-demo"  # noqa: S105 - documented demo password
DEMO_DOMAIN = "example.org"

FIELDS = (
    "Cardiology",
    "Oncology",
    "Primary care",
    "Hospital medicine",
    "Global health",
    "Medical education",
    "Health policy",
    "Gastroenterology",
    "Pulmonary and critical care",
    "Infectious disease",
    "Nephrology",
    "Endocrinology",
    "Rheumatology",
    "Geriatrics",
    "Palliative care",
    "Addiction medicine",
    "Health equity",
    "Clinical research",
)
FIRMS = ("Bigelow", "Ellison", "Jackson", "Walcott")
CLINIC_SITES = (
    "Main Campus Internal Medicine",
    "Eastside Community Health Center",
    "Riverside Community Health Center",
    "Northgate Community Health Center",
)
# Residents per program per training year: about 170 in all.
COHORTS = {
    "categorical": (32, 32, 32),
    "primary_care": (9, 9, 9),
    "global_medicine": (3, 3, 3, 2),
    "preliminary": (14,),
    "med_peds": (5, 5, 4, 4),
}
FACULTY_COUNT = 45

# Named logins that the README lists.
NAMED = (
    ("coordinator@example.org", "Casey", "Morgan", ("coordinator",)),
    ("chief@example.org", "Priya", "Raman", ("coordinator", "resident")),
    ("admin@example.org", "Alex", "Rivera", ("admin",)),
    ("resident@example.org", "Jordan", "Lee", ("resident",)),
    ("faculty@example.org", "Dana", "Whitfield", ("faculty",)),
)


@dataclass
class DemoContext:
    rng: random.Random
    fake: Faker
    today: date
    password_hash: str
    people: dict[str, list[Person]] = field(default_factory=dict)
    fields: dict[str, Field] = field(default_factory=dict)
    seed: int = 0

    def rng_for(self, part: str) -> random.Random:
        """A random source of a step's own, so adding or changing one step leaves the others' data as it was."""
        return random.Random(f"{self.seed}:{part}")


DemoStep = Callable[[DemoContext], None]
STEPS: list[DemoStep] = []


def demo_step(step: DemoStep) -> DemoStep:
    STEPS.append(step)
    return step


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Person))


def _hold_write_lock() -> None:
    """On SQLite, hold the write lock for the whole build, as the services the steps call expect (see
    database.begin_immediate). A transaction the caller has already written in (roles, event kinds) holds
    it since that first write, and is only marked so; any other begins IMMEDIATE."""
    session = db.session()
    if session.get_bind().dialect.name == "sqlite" and session.in_transaction():
        session.flush()
        if session.info.get(FLUSHED):
            session.connection().execution_options(**{IMMEDIATE: True})
            return
    begin_immediate()


def seed_demo(seed: int, today: date) -> DemoContext:
    """Run every demo step into the current transaction (the caller commits)."""
    _hold_write_lock()
    fake = Faker("en_US")
    fake.seed_instance(seed)
    context = DemoContext(
        rng=random.Random(seed), fake=fake, today=today, password_hash=hash_password(DEMO_PASSWORD), seed=seed
    )
    for step in STEPS:
        step(context)
        db.session.flush()
    return context


class _Emails:
    def __init__(self):
        self.used: set[str] = {email for email, *_ in NAMED}

    def make(self, first: str, last: str) -> str:
        base = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        email, n = f"{base}@{DEMO_DOMAIN}", 1
        while email in self.used:
            n += 1
            email = f"{base}{n}@{DEMO_DOMAIN}"
        self.used.add(email)
        return email


@demo_step
def seed_people(ctx: DemoContext) -> None:
    roles = ensure_roles()
    rng, fake = ctx.rng, ctx.fake
    ctx.fields = {name: Field(name=name) for name in FIELDS}
    firms = [Firm(name=name) for name in FIRMS]
    sites = [ClinicSite(name=name) for name in CLINIC_SITES]
    db.session.add_all([*ctx.fields.values(), *firms, *sites])
    field_list = list(ctx.fields.values())
    emails = _Emails()
    year_now = academic_year_of(ctx.today)
    now = utcnow()

    def person(email, first, last, role_names, **extra) -> Person:
        p = Person(
            email=email,
            first_name=first,
            last_name=last,
            roles=[roles[r] for r in role_names],
            password_hash=ctx.password_hash,
            password_set_at=now,
            **extra,
        )
        db.session.add(p)
        for role in role_names:
            ctx.people.setdefault(role, []).append(p)
        return p

    def resident_details(program: str, pgy: int) -> dict:
        main_campus = program == "primary_care" or rng.random() < 0.4
        return dict(
            program=program,
            training_start_year=year_now - pgy + 1,
            firm=rng.choice(firms),
            clinic_site=sites[0] if main_campus and rng.random() < 0.5 else rng.choice(sites),
            fields=sorted(rng.sample(field_list, rng.choice((1, 1, 2, 2, 3))), key=lambda f: f.name),
        )

    for email, first, last, role_names in NAMED:
        extra = {}
        if "resident" in role_names:
            extra = resident_details("primary_care", 2 if "coordinator" not in role_names else 3)
        if email == "resident@example.org":
            # Jordan Lee's interests lie outside Dana Whitfield's cardiology, so she can be Jordan's coach.
            extra["fields"] = [ctx.fields["Primary care"], ctx.fields["Medical education"]]
        if "faculty" in role_names:
            extra = dict(fields=[ctx.fields["Cardiology"]], coach_capacity=4)
        person(email, first, last, role_names, **extra)

    for program, cohorts in COHORTS.items():
        for pgy, size in enumerate(cohorts, start=1):
            for _ in range(size):
                first, last = fake.first_name(), fake.last_name()
                details = resident_details(program, pgy)
                if program == "categorical" and pgy <= 2 and rng.random() < 0.12:
                    details["is_stanbury"] = True
                person(emails.make(first, last), first, last, ("resident",), **details)

    for _ in range(FACULTY_COUNT):
        first, last = fake.first_name(), fake.last_name()
        person(
            emails.make(first, last),
            first,
            last,
            ("faculty",),
            fields=sorted(rng.sample(field_list, rng.choice((1, 1, 2))), key=lambda f: f.name),
            coach_capacity=rng.choice((2, 3, 4, 4, 5, 6)),
        )


# Later steps register after the people they need, in the order imported here (by name: the SGIM step
# comes after the events, holiday blocks and duties its covers are checked against); importing them here
# means anything that seeds the demo (the CLI, tests) runs every step.
from . import coaching, duties, events, holidays, outreach, retreats, sgim  # noqa: E402, F401
