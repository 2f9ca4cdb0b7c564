"""Phrases shown to people that depend on a number."""


def people_count(n: int) -> str:
    """'1 person', '3 people'."""
    return f"{n} person" if n == 1 else f"{n} people"
