"""The default holiday blocks of an academic year, dated by the `holidays` package."""

from dataclasses import dataclass
from datetime import date, timedelta

import holidays as public_holidays


@dataclass(frozen=True)
class DefaultBlock:
    key: str
    name: str
    starts_on: date
    ends_on: date


def _named(calendar, name: str) -> date:
    """The one date `calendar` gives the holiday called exactly `name` (never an "(observed)" day)."""
    return min(day for day, names in calendar.items() if name in names.split("; "))


def default_blocks(academic_year: int) -> list[DefaultBlock]:
    """The four blocks of the academic year starting in July `academic_year`, in date order.

    Thanksgiving runs Wednesday to Sunday; Christmas 23–27 December; New Year 30 December – 3 January;
    the High Holidays four days from the eve of Rosh Hashanah.
    """
    this_year = public_holidays.US(years=academic_year)
    thanksgiving = _named(this_year, "Thanksgiving Day")
    christmas = _named(this_year, "Christmas Day")
    new_year = _named(public_holidays.US(years=academic_year + 1), "New Year's Day")
    rosh_hashanah_eve = _named(public_holidays.IL(years=academic_year), "Rosh Hashanah") - timedelta(days=1)
    blocks = [
        DefaultBlock("high_holidays", "High Holidays", rosh_hashanah_eve, rosh_hashanah_eve + timedelta(days=3)),
        DefaultBlock("thanksgiving", "Thanksgiving", thanksgiving - timedelta(days=1), thanksgiving + timedelta(days=3)),
        DefaultBlock("christmas", "Christmas", christmas - timedelta(days=2), christmas + timedelta(days=2)),
        DefaultBlock("new_year", "New Year", new_year - timedelta(days=2), new_year + timedelta(days=2)),
    ]  # fmt: skip
    return sorted(blocks, key=lambda block: block.starts_on)
