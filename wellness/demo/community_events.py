"""Community life in the demo: outreach projects, wellness time and reflection, dinners and family events."""

from datetime import date

from ..events.models import Group
from ..people.models import Person
from .event_plans import FRI, LOUNGE, MON, RESTAURANTS, SAT, SUN, THU, TUE, WED, Year, bullet_list, next_day


def plan_outreach(year: Year, groups: dict[str, Group]) -> None:
    add, nth, rng = year.add, year.nth, year.rng
    leads = groups["Outreach leads"].members

    def organisers() -> list[Person]:
        return [*rng.sample(leads, 2), year.coordinator]

    # The shelter meals are outreach projects with shifts (demo/outreach.py); these are one-off events.
    add(
        "outreach",
        "Charles River 5K for Children's Health",
        next_day(date(year.academic_year, 9, 20), SUN),
        (8, 11),
        who="anyone",
        interest=0.2,
        organisers=organisers(),
        max_guests=2,
        location="DCR Hatch Shell, Charles River Esplanade, Boston",
        description="Run or walk as the residency team; every entry funds pediatric asthma care.\n\n"
        + bullet_list("Team shirts at the start line", "Families welcome to walk with you"),
    )
    add(
        "outreach",
        "Bake sale for the Community Food Fund",
        nth(10, WED, 3),
        (11, 14),
        interest=0.15,
        organisers=organisers(),
        location="Main Campus, Main Lobby",
        description="Bake something or staff the table for an hour.\n\n"
        + bullet_list("Label anything with nuts", "Card reader at the table"),
    )
    add(
        "outreach",
        "MLK Day of Service",
        nth(1, MON, 3),
        (9, 13),
        who="anyone",
        interest=0.2,
        organisers=organisers(),
        location="Cityside Community Center, 85 Warren St, Roxbury, MA",
        description="Sort donations and paint the community center's family room.\n\n"
        + bullet_list("Wear clothes you can paint in", "Lunch afterwards"),
    )
    add(
        "outreach",
        "Trivia night for the Community Food Fund",
        nth(2, THU, 4),
        (19, 22),
        capacity=120,
        max_guests=2,
        who="anyone",
        interest=0.3,
        organisers=organisers(),
        location="The Brick & Barrel, 300 Cambridge St, Boston",
        description="Teams of up to six; the entry fee goes to the fund.\n\n"
        + bullet_list("Bring friends: two guests each", "Prizes for the best team name"),
    )
    add(
        "outreach",
        "Walk for Hunger",
        nth(5, SUN, 1),
        (8, 13),
        who="anyone",
        interest=0.2,
        max_guests=3,
        organisers=organisers(),
        location="Boston Common, Charles St entrance",
        description="A 20-mile walk (or any part of it) raising money for food pantries.\n\n"
        + bullet_list("Meet at the residency banner", "Water stations every two miles"),
    )


def plan_wellness(year: Year) -> None:
    add, nth, rng = year.add, year.nth, year.rng
    for n, month in enumerate((8, 9, 10, 11, 12, 1, 2, 3, 4, 5)):
        level = n % 3 + 1
        add(
            "wellness",
            f"Personal wellness time: PGY-{level} ambulatory block",
            nth(month, WED, 3),
            (13, 17),
            levels=(level,),
            interest=0.35,
            takes_check_in=False,
            location="Wherever you need to be",
            description="A protected afternoon for your own doctor's, dentist's or therapy appointments.\n\n"
            + bullet_list("No clinic is booked for you", "Answer going so the chiefs know you are out"),
        )
    for month in (8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6):
        leader = rng.choice(year.faculty)
        add(
            "wellness",
            f"Reflection rounds with {year.doctor(leader)}",
            nth(month, THU, 1),
            (17.5, 19),
            capacity=15,
            interest=0.08,
            organisers=[leader, year.chief],
            location=LOUNGE,
            description="A confidential hour to talk about the cases that stay with you.\n\n"
            + bullet_list("Nothing said here leaves the room", "Dinner from 5:15"),
        )
    for month in (7, 8, 9):
        add(
            "wellness",
            "Yoga on the lawn",
            nth(month, SAT, 2),
            (9, 10),
            who="anyone",
            interest=0.08,
            location="Boston Common, near the Frog Pond",
            takes_check_in=False,
            description="All levels. Bring a mat or borrow one.\n\n"
            + bullet_list("Cancelled if it rains: check your e-mail", "Iced coffee afterwards"),
        )
    for month in (10, 1, 4):
        add(
            "wellness",
            "Wellness Wednesday: chair massage and smoothies",
            nth(month, WED, 2),
            (11, 14),
            who="anyone",
            interest=0.3,
            location=LOUNGE,
            takes_check_in=False,
            description="Drop in between pages.\n\n" + bullet_list("Ten-minute slots", "Smoothie bar"),
        )


def plan_social(year: Year, groups: dict[str, Group]) -> None:
    add, nth, rng = year.add, year.nth, year.rng
    parents, wim = (groups["Resident parents"],), (groups["Women in medicine"],)
    firms = ("Bigelow", "Ellison", "Jackson", "Walcott")
    n = 0
    for month in (7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6):
        for week, weekday in ((1, TUE), (3, THU)):
            firm, n = firms[n % len(firms)], n + 1
            add(
                "social",
                f"Inpatient team dinner: {firm} firm",
                nth(month, weekday, week),
                (18.5, 20.5),
                capacity=24,
                interest=0.45,
                firm=firm,
                location=rng.choice(RESTAURANTS),
                lead_days=14,
                description=f"Dinner for everyone on the {firm} inpatient teams this block, on the program.\n\n"
                + bullet_list("Night float: join us for dessert before sign-out", "Vegetarian options"),
            )
    add(
        "social",
        "Residency night at Fenway Park",
        nth(9, FRI, 1),
        (18.5, 22.5),
        capacity=80,
        max_guests=1,
        who="anyone",
        interest=0.4,
        lead_days=42,
        location="Fenway Park, 4 Jersey St, Boston",
        description="Bleacher seats together; the program covers the tickets.\n\n"
        + bullet_list("One guest each", "Tickets go out by e-mail the week before"),
    )
    add(
        "social",
        "Residency-wide baseball game: interns vs. seniors",
        nth(5, SAT, 3),
        (13, 16),
        who="anyone",
        interest=0.35,
        max_guests=3,
        location="Clemente Field, Park Drive, Boston",
        description="Nine innings, faculty umpires, and a trophy nobody wants to lose.\n\n"
        + bullet_list("Gloves provided", "Families and fans welcome", "Hot dogs after the last out"),
    )
    for month in (7, 9, 11, 1, 3, 5):
        add(
            "social",
            "Resident parents' playground meetup",
            nth(month, SUN, 2),
            (10, 12),
            groups=parents,
            max_guests=4,
            interest=0.4,
            organisers=[year.coordinator],
            location="Jamaica Pond playground, 507 Jamaicaway, Boston"
            if month in (5, 7, 9)
            else "Boston Children's Museum, 308 Congress St, Boston",
            description="Kids play, parents trade advice on daycare, call schedules and sleep.\n\n"
            + bullet_list("Bring the whole family", "Coffee and snacks provided"),
        )
    add(
        "social",
        "Resident families' apple picking",
        nth(10, SUN, 1),
        (10, 13),
        groups=parents,
        max_guests=4,
        interest=0.6,
        location="Honey Pot Hill Orchards, 144 Sudbury Rd, Stow, MA",
        description="A morning at the orchard with the residency's families.\n\n"
        + bullet_list("Half-peck bags on the program", "Hayride at 11"),
    )
    for month in (9, 1, 4):
        add(
            "social",
            "Women in medicine dinner",
            nth(month, WED, 4),
            (18, 21),
            groups=wim,
            capacity=30,
            who="anyone",
            interest=0.45,
            organisers=year.some_faculty(2),
            location=rng.choice(RESTAURANTS),
            description="Residents and faculty, one table, no agenda.\n\n"
            + bullet_list("Seating mixed by level", "Dinner on the program"),
        )
    for month, title in (
        (8, "Diversity and inclusion welcome reception"),
        (2, "Diversity and inclusion networking night"),
    ):
        add(
            "social",
            title,
            nth(month, THU, 2),
            (18, 20),
            who="anyone",
            interest=0.3,
            location=LOUNGE,
            organisers=[year.coordinator, *year.some_faculty()],
            description="Meet residents, faculty and alumni who share your background or interests.\n\n"
            + bullet_list("Heavy appetizers", "Alumni panel at 6:30"),
        )
    for month in (9, 11, 1, 3, 5):
        mentor = rng.choice(year.faculty)
        topic = mentor.fields[0].name.lower() if mentor.fields else "medicine"
        add(
            "social",
            f"Mentoring dinner: careers in {topic}",
            nth(month, TUE, 4),
            (18, 20.5),
            capacity=12,
            who="anyone",
            interest=0.1,
            organisers=[mentor, year.coordinator],
            location=rng.choice(RESTAURANTS),
            description=f"Small-table dinner with {year.doctor(mentor)} and colleagues in {topic}.\n\n"
            + bullet_list("Twelve seats", "Come with questions about fellowship and jobs"),
        )
