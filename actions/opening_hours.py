"""Is a service open now, and when does it reopen? (Europe/Paris time, French holidays.)

The clock can be pinned for tests of the running servers: ``ASSISTANT_CLOCK_FILE`` names
a file holding an ISO date-time; when the variable is unset the real clock is used.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

import holidays
from babel.dates import format_datetime

from knowledge.schema import WEEKDAYS, OpeningSlot

PARIS = ZoneInfo("Europe/Paris")
CLOCK_FILE_VARIABLE = "ASSISTANT_CLOCK_FILE"


def now_in_paris() -> datetime:
    """The current time in Paris, or the pinned one (see module docstring)."""
    clock_file = os.environ.get(CLOCK_FILE_VARIABLE)
    if clock_file and Path(clock_file).exists():
        pinned = datetime.fromisoformat(Path(clock_file).read_text(encoding="utf-8").strip())
        return pinned.astimezone(PARIS) if pinned.tzinfo else pinned.replace(tzinfo=PARIS)
    return datetime.now(PARIS)


def _parse(value: str) -> time:
    hours, minutes = value.split(":")
    return time(23, 59, 59) if hours == "24" else time(int(hours), int(minutes))


class Schedule:
    """Weekly opening slots, closed on French public holidays."""

    def __init__(self, slots: Sequence[OpeningSlot]) -> None:
        self.by_weekday: Dict[int, List[Tuple[time, time]]] = {}
        for slot in slots:
            for day in slot.days:
                self.by_weekday.setdefault(WEEKDAYS.index(day), []).append(
                    (_parse(slot.opens), _parse(slot.closes))
                )
        for periods in self.by_weekday.values():
            periods.sort()

    def __bool__(self) -> bool:
        return bool(self.by_weekday)

    @staticmethod
    def is_holiday(day: date) -> bool:
        return day in holidays.France(years=day.year)

    def periods(self, day: date) -> List[Tuple[time, time]]:
        if self.is_holiday(day):
            return []
        return self.by_weekday.get(day.weekday(), [])

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(PARIS)
        clock = local.time().replace(tzinfo=None)
        return any(opens <= clock < closes for opens, closes in self.periods(local.date()))

    def next_opening(self, moment: datetime) -> Optional[datetime]:
        """The next time the service opens after ``moment`` (within two weeks)."""
        local = moment.astimezone(PARIS)
        for offset in range(15):
            day = local.date() + timedelta(days=offset)
            for opens, _ in self.periods(day):
                candidate = datetime.combine(day, opens, tzinfo=PARIS)
                if candidate > local:
                    return candidate
        return None


def moment_parts(moment: datetime, now: datetime) -> Dict[str, object]:
    """What a sentence needs to say when ``moment`` is, seen from ``now``.

    ``days_ahead`` (0 today, 1 tomorrow...), ``day`` ("lundi 23 novembre") and ``hour``
    ("8h00"); the wording itself is in the domain's responses.
    """
    local = moment.astimezone(PARIS)
    return {
        "days_ahead": (local.date() - now.astimezone(PARIS).date()).days,
        "day": format_datetime(local, "EEEE d MMMM", locale="fr_FR"),
        "hour": format_datetime(local, "H'h'mm", locale="fr_FR"),
    }
