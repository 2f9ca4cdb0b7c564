"""Calendar items: the one shape every domain gives its dated things in, for feeds and conflict checks."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

STATUSES = ("confirmed", "tentative", "cancelled")
# public: anyone may see it (events); private: only the person (duties, holiday block);
# confidential: only the person, and clients should hide details when sharing busy times (coaching).
PRIVACY = ("public", "private", "confidential")
# A cancelled item stays on calendars, marked cancelled, this long after the cancellation.
CANCELLED_KEPT_FOR = timedelta(days=30)


@dataclass(frozen=True)
class CalendarItem:
    """One thing on a calendar.

    Either `starts_at`/`ends_at` (timezone-aware, end after start) or `first_day`/`last_day`
    (whole days, both inclusive: a Thursday-to-Sunday block has last_day Sunday) is set.
    `uid` is unique within the installation and stable for the life of the underlying record,
    e.g. "event-12"; feeds add the server name. `revision` rises with every change a calendar
    client must notice; `updated_at` is when the item last changed in any way. `url` is a path
    in the application (feeds make it absolute). `is_free` marks an item that informs without
    taking the person's time (an overview for coordinators): it never clashes and shows as free.
    Raises ValueError when the times are inconsistent or a status or privacy is unknown.
    """

    uid: str
    title: str
    updated_at: datetime
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    first_day: date | None = None
    last_day: date | None = None
    location: str = ""
    description: str = ""
    status: str = "confirmed"
    categories: tuple[str, ...] = ()
    privacy: str = "private"
    revision: int = 1
    url: str = ""
    is_free: bool = False

    def __post_init__(self):
        timed = self.starts_at is not None or self.ends_at is not None
        dated = self.first_day is not None or self.last_day is not None
        if timed == dated:
            raise ValueError(f"{self.uid}: give either start and end times or first and last days")
        if timed:
            if self.starts_at is None or self.ends_at is None:
                raise ValueError(f"{self.uid}: a timed item needs a start and an end")
            if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
                raise ValueError(f"{self.uid}: times must carry a time zone")
            if self.ends_at <= self.starts_at:
                raise ValueError(f"{self.uid}: must end after it starts")
        else:
            if self.first_day is None or self.last_day is None:
                raise ValueError(f"{self.uid}: an all-day item needs a first and a last day")
            if self.last_day < self.first_day:
                raise ValueError(f"{self.uid}: the last day is before the first")
        if self.status not in STATUSES:
            raise ValueError(f"{self.uid}: unknown status {self.status!r}")
        if self.privacy not in PRIVACY:
            raise ValueError(f"{self.uid}: unknown privacy {self.privacy!r}")
        if self.updated_at.tzinfo is None:
            raise ValueError(f"{self.uid}: updated_at must carry a time zone")

    @property
    def is_all_day(self) -> bool:
        return self.first_day is not None

    @property
    def is_busy(self) -> bool:
        """Whether the person is taken at that time: confirmed items that are not marked free."""
        return self.status == "confirmed" and not self.is_free

    def span(self, tz_name: str) -> tuple[datetime, datetime]:
        """The item's start and end as UTC moments; whole days run midnight to midnight in `tz_name`."""
        if not self.is_all_day:
            return self.starts_at.astimezone(UTC), self.ends_at.astimezone(UTC)
        zone = ZoneInfo(tz_name)
        start = datetime.combine(self.first_day, time(), tzinfo=zone)
        end = datetime.combine(self.last_day + timedelta(days=1), time(), tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)


@dataclass(frozen=True)
class Window:
    """The stretch of time a feed or a check looks at: items overlapping [start, end).

    `as_of` is "now" for rules that depend on it, e.g. how long a cancelled item stays.
    """

    start: datetime
    end: datetime
    as_of: datetime

    def __post_init__(self):
        if self.start.tzinfo is None or self.end.tzinfo is None or self.as_of.tzinfo is None:
            raise ValueError("window times must carry a time zone")
        if self.end <= self.start:
            raise ValueError("a window must end after it starts")


def overlaps(item: CalendarItem, start: datetime, end: datetime, tz_name: str) -> bool:
    """Whether the item shares any moment with [start, end); touching ends do not overlap."""
    item_start, item_end = item.span(tz_name)
    return item_start < end and start < item_end
