"""Opening hours of the GPS administration at the boundaries (Europe/Paris)."""

from __future__ import annotations

from datetime import datetime

import pytest

from actions.human_route import gps_schedule, reopening_text
from actions.opening_hours import PARIS, Schedule, moment_parts


@pytest.fixture(scope="module")
def schedule(knowledge_base) -> Schedule:
    schedule = gps_schedule(knowledge_base)
    assert schedule, "the GPS administration record must carry structured opening hours"
    return schedule


def paris(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (paris(2026, 11, 23, 7, 59), False),  # Monday before opening
        (paris(2026, 11, 23, 8, 0), True),
        (paris(2026, 11, 23, 20, 59), True),  # weekday, last minute
        (paris(2026, 11, 23, 21, 0), False),  # weekday, closing time
        (paris(2026, 11, 28, 13, 59), True),  # Saturday, last minute
        (paris(2026, 11, 28, 14, 0), False),  # Saturday, closing time
        (paris(2026, 11, 29, 11, 0), False),  # Sunday
        (paris(2026, 12, 25, 11, 0), False),  # Christmas, a Friday
        (paris(2026, 11, 11, 11, 0), False),  # Armistice, a Wednesday
        (paris(2026, 7, 14, 10, 0), False),  # national holiday, a Tuesday
    ],
)
def test_open_at_the_boundaries(schedule, moment, is_open):
    assert schedule.is_open(moment) is is_open


def test_reopens_on_monday_morning_after_saturday_closing(schedule):
    reopening = schedule.next_opening(paris(2026, 11, 28, 14, 0))
    assert reopening == paris(2026, 11, 30, 8, 0)


def test_reopens_after_a_bank_holiday(schedule):
    # Friday 25 December 2026 is Christmas: next opening is Saturday morning.
    assert schedule.next_opening(paris(2026, 12, 24, 21, 0)) == paris(2026, 12, 26, 8, 0)


def test_reopening_is_said_naturally(schedule, domain, tmp_path, monkeypatch):
    clock = tmp_path / "clock"
    clock.write_text("2026-11-28T15:00:00+01:00")
    monkeypatch.setenv("ASSISTANT_CLOCK_FILE", str(clock))
    assert reopening_text(domain, schedule) == "lundi 30 novembre à 8h00"
    clock.write_text("2026-11-23T22:00:00+01:00")
    assert reopening_text(domain, schedule) == "demain à 8h00"
    clock.write_text("2026-11-24T06:30:00+01:00")
    assert reopening_text(domain, schedule) == "aujourd'hui à 8h00"


def test_moment_parts_are_in_paris_time():
    parts = moment_parts(datetime.fromisoformat("2026-11-23T07:00:00+00:00"), paris(2026, 11, 22, 12, 0))
    assert parts == {"days_ahead": 1, "day": "lundi 23 novembre", "hour": "8h00"}
