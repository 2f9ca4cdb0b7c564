"""The program's own events in the demo: celebrations, retreats, SGIM, teaching half-days, town halls."""

from datetime import date, timedelta

from ..events.models import Group
from ..people.models import Person
from .event_plans import (
    AUDITORIUM,
    CONFERENCE_ROOM,
    EASTSIDE,
    FRI,
    LOUNGE,
    MON,
    SAT,
    THU,
    TUE,
    WED,
    Year,
    bullet_list,
    next_day,
)
from .sgim_dates import sgim_meeting_days

HALF_DAY_TOPICS = (
    ("Panel management", (1, 2), "Run a registry report for your own panel and close care gaps"),
    ("Working in an interprofessional team", (1,), "Huddle with nursing, pharmacy and social work"),
    ("Negotiation", (3,), "Practise asking for what you need in a first job offer"),
    ("CV writing", (2,), "Bring a draft CV; leave with one a program director wants to read"),
    ("The job search", (3,), "Timelines for hospitalist, primary care and fellowship paths"),
)


def plan_celebrations_and_retreats(year: Year, chiefs: list[Person]) -> None:
    add, nth, fake = year.add, year.nth, year.fake
    july_1 = date(year.academic_year, 7, 1)
    add(
        "celebration",
        "Intern orientation",
        next_day(july_1, MON) if july_1.weekday() >= FRI else july_1,  # two weekdays when it can
        2,
        levels=(1,),
        location=AUDITORIUM,
        organisers=chiefs,
        interest=0.95,
        lead_days=45,
        description="Two days to meet your class, your chiefs and the hospital before the first call night.\n\n"
        + bullet_list(
            "Badges, pagers and EHR training",
            "Lunch with your firm chiefs",
            "Evening welcome at the residents' lounge",
        ),
    )
    add(
        "celebration",
        "Welcome barbecue for the new interns",
        next_day(date(year.academic_year, 7, 8), SAT),
        (12, 16),
        location="Larz Anderson Park, 23 Newton St, Brookline, MA",
        max_guests=2,
        who="anyone",
        interest=0.45,
        organisers=chiefs,
        description="Burgers, veggie skewers and lawn games. **Partners and kids welcome.**\n\n"
        + bullet_list("Free parking by the skating rink", "Rain date the following Saturday"),
    )
    add(
        "celebration",
        "Thanksgiving potluck",
        nth(11, THU, 4) - timedelta(days=2),
        (12, 14),
        location=LOUNGE,
        interest=0.35,
        who="anyone",
        description="Bring a dish from home, or just bring yourself.\n\n"
        + bullet_list("Turkey and vegetarian mains provided", "Sign-up sheet for sides on the lounge door"),
    )
    add(
        "celebration",
        "Holiday party",
        nth(12, FRI, 2),
        (19, 23),
        capacity=260,
        max_guests=1,
        who="anyone",
        location="Atrium Ballroom, 1 Harbor Way, Boston",
        interest=0.6,
        lead_days=60,
        rsvp_closes_before=timedelta(days=4),
        organisers=chiefs,
        description="The whole residency, dressed up for once.\n\n"
        + bullet_list(
            "Dinner buffet and open bar until 10 PM",
            "One guest each",
            "Night-float coverage arranged by the chiefs",
        ),
    )
    add(
        "celebration",
        "Match Day celebration",
        nth(3, FRI, 3),
        (16, 18),
        location=LOUNGE,
        who="anyone",
        interest=0.4,
        description="Cheer on the seniors who matched into fellowship.\n\n"
        + bullet_list("Cake and sparkling cider", "Photo booth"),
    )
    add(
        "celebration",
        "Graduation dinner",
        nth(6, FRI, 2),
        (18, 22),
        capacity=320,
        max_guests=2,
        who="anyone",
        location="Atrium Ballroom, 1 Harbor Way, Boston",
        interest=0.55,
        lead_days=70,
        organisers=chiefs,
        description="Celebrating the graduating class.\n\n"
        + bullet_list("Awards and the senior slideshow", "Up to two guests each", "Dress: cocktail"),
    )

    pc = ("primary_care",)
    for month, season in ((10, "Fall"), (3, "Spring")):
        day = nth(month, FRI, 3)
        leader = fake.name()
        add(
            "retreat",
            f"Primary care {season.lower()} retreat",
            day,
            (8, 16),
            programs=pc,
            interest=0.9,
            location="Endicott Estate, 656 East St, Dedham, MA",
            organisers=[year.chief, *year.some_faculty()],
            lead_days=150,  # sign-ups open early: the skills sessions fill months ahead
            description=f"The {season.lower()} retreat for the primary care program: look back on the "
            "past months and shape next year's curricular and clinical initiatives.\n\n"
            + bullet_list(
                "8:00 Breakfast and reflection in small groups",
                f"10:00 Round table with Dr. {leader}, a national leader in primary care",
                "1:00 Skills sessions: IUD and Nexplanon placement (few seats: choose them on the agenda)",
                "2:30 Curriculum planning",
            ),
        )
    add(
        "retreat",
        "Intern retreat",
        nth(2, WED, 1),
        1,
        levels=(1,),
        interest=0.85,
        organisers=chiefs,
        location="Walden Woods Conference Center, 41 Baker Farm Rd, Lincoln, MA",
        takes_check_in=True,
        description="A day off the wards for the whole intern class; the seniors cover.\n\n"
        + bullet_list("Small-group reflection", "Snowshoe walk or board games", "Dinner together"),
    )
    add(
        "retreat",
        "Senior retreat: life after residency",
        nth(1, THU, 4),
        (8, 16),
        levels=(3,),
        location="Walden Woods Conference Center, 41 Baker Farm Rd, Lincoln, MA",
        interest=0.8,
        description="For PGY-3s: finances, contracts and the move to attending life.\n\n"
        + bullet_list("Disability insurance and loans, without the sales pitch", "Panel of recent graduates"),
    )


def plan_sgim_and_education(year: Year, groups: dict[str, Group]) -> None:
    add, nth = year.add, year.nth
    pc, wim = ("primary_care",), (groups["Women in medicine"],)
    # The meeting itself is not planned here: the SGIM step creates it through the SGIM services, and
    # its event is answered on the meeting's page, not by RSVP.
    meeting, _ = sgim_meeting_days(year.academic_year, year.ctx.seed)
    add(
        "sgim",
        "SGIM abstract writing workshop",
        nth(12, TUE, 1),
        (17, 18.5),
        programs=pc,
        levels=(2, 3),
        location=EASTSIDE,
        interest=0.6,
        organisers=year.some_faculty(),
        description="Turn a clinic quality project or a clinical vignette into an SGIM abstract.\n\n"
        + bullet_list("Bring a one-paragraph idea", "Deadline reminders and examples that were accepted"),
    )
    add(
        "sgim",
        "SGIM poster practice",
        meeting - timedelta(days=14),
        (17, 19),
        programs=pc,
        levels=(2,),
        location=CONFERENCE_ROOM,
        interest=0.7,
        organisers=year.some_faculty(),
        description="Three-minute walk-throughs with faculty feedback before the national meeting.\n\n"
        + bullet_list("Print a draft or bring a laptop", "Pizza provided"),
    )

    months = (8, 9, 10, 11, 1, 2, 3, 4, 5, 6)
    for n, month in enumerate(months):
        topic, levels, lead = HALF_DAY_TOPICS[n % len(HALF_DAY_TOPICS)]
        add(
            "education",
            f"Special Programming Half-Day: {topic}",
            nth(month, THU, 2 + n % 2),
            (13, 17),
            levels=levels,
            capacity=45,
            has_waitlist=False,
            interest=0.7,
            location=EASTSIDE if n % 3 == 0 else CONFERENCE_ROOM,
            organisers=[year.coordinator, *year.some_faculty()],
            description=f"For residents on their ambulatory block. {lead}.\n\n"
            + bullet_list(
                "1:00 Talk and discussion", "2:30 Small-group practice", "4:30 Wrap-up and evaluations"
            ),
        )
    add(
        "education",
        "Women in medicine: negotiation workshop",
        nth(11, WED, 2),
        (18, 20.5),
        groups=wim,
        capacity=20,
        who="anyone",
        interest=0.5,
        organisers=year.some_faculty(2),
        location="Main Campus, Faculty Club",
        description="Negotiating salary, schedule and protected time, with role play in pairs.\n\n"
        + bullet_list("Scripts you can reuse", "Dinner served at 6"),
    )
    for month in (9, 2):
        add(
            "education",
            "Women in medicine: mock interviews",
            nth(month, TUE, 3),
            (17.5, 20),
            groups=wim,
            capacity=12,
            who="anyone",
            interest=0.35,
            organisers=year.some_faculty(2),
            location=CONFERENCE_ROOM,
            description="Fellowship and job interview practice with faculty interviewers.\n\n"
            + bullet_list("Two 20-minute interviews each", "Written feedback the same evening"),
        )
    add(
        "education",
        "Board review kickoff",
        nth(9, WED, 3),
        (12, 13),
        levels=(3,),
        location=AUDITORIUM,
        interest=0.7,
        description="How this year's board review series works, and how to pace yourself.\n\n"
        + bullet_list("Question bank access codes handed out", "Lunch provided"),
    )
    add(
        "education",
        "Teaching skills for rising juniors",
        nth(6, TUE, 1),
        (13, 17),
        levels=(1,),
        location=CONFERENCE_ROOM,
        interest=0.6,
        organisers=year.some_faculty(),
        description="Getting ready to lead a team and teach interns and students.\n\n"
        + bullet_list("Teaching on the fly during rounds", "Giving feedback that helps"),
    )


def plan_other(year: Year) -> None:
    add, nth = year.add, year.nth
    add(
        "other",
        "Health equity advocacy day: voter registration",
        nth(10, TUE, 1),
        (11, 15),
        interest=0.15,
        location="Eastside Community Health Center, front plaza",
        who="anyone",
        description="Help patients and neighbours register to vote.\n\n"
        + bullet_list("Short training at 11", "Nonpartisan: no campaign gear"),
    )
    add(
        "other",
        "Advocacy day at the State House",
        nth(3, TUE, 2),
        (8, 15),
        interest=0.12,
        who="anyone",
        location="Massachusetts State House, 24 Beacon St, Boston",
        organisers=[year.coordinator, year.chief],
        description="Meet legislators about housing and health.\n\n"
        + bullet_list("Talking points sent the week before", "Clinic cancelled for those attending"),
    )
    for month in (9, 12, 3, 6):
        add(
            "other",
            "Residency town hall",
            nth(month, MON, 2),
            (12, 13),
            who="anyone",
            interest=0.35,
            location=AUDITORIUM,
            takes_check_in=False,
            organisers=[year.coordinator, year.chief],
            description="The program director and chiefs answer your questions.\n\n"
            + bullet_list("Submit questions anonymously beforehand", "Lunch provided"),
        )
