"""Phrases shown to people that depend on a number."""


def people_count(n: int) -> str:
    """'1 person', '3 people'."""
    return f"{n} person" if n == 1 else f"{n} people"


ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}


def ordinal(n: int) -> str:
    """'first' … 'sixth', then '7th', '11th', '22nd'."""
    if n in ORDINAL_WORDS:
        return ORDINAL_WORDS[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
