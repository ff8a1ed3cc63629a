"""engine/schedule.py: the OBJECTS_TTL_DELETE_SCHEDULE forms Weaviate accepts (gocron / robfig cron)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from loomdb.engine.schedule import Schedule, parse_go_duration


def _at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


@pytest.mark.parametrize("text, seconds", [("1h", 3600), ("1m30s", 90), ("500ms", 0.5), ("1.5h", 5400),
                                           ("2h45m10s", 9910)])
def test_go_durations(text, seconds):
    assert parse_go_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "1x", "h", "10", "1h 30m"])
def test_bad_go_durations(text):
    with pytest.raises(ValueError):
        parse_go_duration(text)


def test_every():
    every = Schedule("@every 10s")
    assert every.enabled and not every.due(100, 109) and every.due(100, 110)


def test_empty_is_never():
    never = Schedule("")
    assert not never.enabled and not never.due(0, 1e9)


def test_five_field_cron_runs_on_the_minute():
    cron = Schedule("*/15 * * * *")
    assert cron.due(_at("2026-12-03T13:14:59"), _at("2026-12-03T13:15:00"))
    assert not cron.due(_at("2026-12-03T13:15:00"), _at("2026-12-03T13:15:01"))
    assert not cron.due(_at("2026-12-03T13:16:00"), _at("2026-12-03T13:16:59"))


def test_six_field_cron_with_seconds_and_macros():
    assert Schedule("*/10 * * * * *").due(_at("2026-12-03T13:14:59"), _at("2026-12-03T13:15:00"))
    hourly = Schedule("@hourly")
    assert hourly.due(_at("2026-12-03T13:59:59"), _at("2026-12-03T14:00:00"))
    assert not hourly.due(_at("2026-12-03T14:00:00"), _at("2026-12-03T14:59:59"))
    sunday = Schedule("0 0 * * 7")           # 7 = Sunday too; 2026-12-06 is a Sunday
    assert sunday.due(_at("2026-12-05T23:59:59"), _at("2026-12-06T00:00:00"))


@pytest.mark.parametrize("text", ["* * * *", "61 * * * *", "@every", "@every -1s", "@sometimes", "*/0 * * * *"])
def test_bad_schedules(text):
    with pytest.raises(ValueError):
        Schedule(text)
