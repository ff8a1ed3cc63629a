"""When a periodic job runs, written as Weaviate's schedules are (OBJECTS_TTL_DELETE_SCHEDULE is read by gocron /
robfig/cron): "@every <Go duration>" ("@every 1h", "@every 1m30s"), "@hourly" / "@daily" / "@weekly" /
"@monthly" / "@yearly" (also "@annually", "@midnight"), or a cron line of 5 fields (minute hour day month weekday)
or 6 (with seconds first), each "*", "*/n", "a", "a-b", "a-b/n" or a comma list of those. "" = never."""
from __future__ import annotations

import re
from datetime import datetime, timezone

_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_MACROS = {"@yearly": "0 0 0 1 1 *", "@annually": "0 0 0 1 1 *", "@monthly": "0 0 0 1 * *",
           "@weekly": "0 0 0 * * 0", "@daily": "0 0 0 * * *", "@midnight": "0 0 0 * * *", "@hourly": "0 0 * * * *"}
# (lowest, highest) of second, minute, hour, day of month, month, day of week (0 = Sunday; 7 also Sunday)
_RANGES = ((0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


def parse_go_duration(text: str) -> float:
    """Seconds of a Go duration string ("1h30m", "10s", "500ms"); ValueError when it is not one."""
    text = text.strip()
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"invalid duration {text!r}")
    return sum(float(n) * _UNIT_SECONDS[u] for n, u in parts)


def _field(text: str, lowest: int, highest: int) -> frozenset[int]:
    values: set[int] = set()
    for item in text.split(","):
        spec, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if spec in ("*", "?"):
            first, last = lowest, highest
        elif "-" in spec:
            first, last = (int(x) for x in spec.split("-", 1))
        else:
            first = int(spec)
            last = highest if step_text else first
        if step < 1 or first < lowest or last > highest or first > last:
            raise ValueError(f"cron field {text!r} out of range {lowest}-{highest}")
        values.update(range(first, last + 1, step))
    return frozenset(values)


class Schedule:
    """`due(last, now)`: whether the job should run at `now` (epoch seconds), having last run at `last`."""

    def __init__(self, text: str) -> None:
        self.text = text = text.strip()
        self.every: float | None = None
        self.fields: tuple[frozenset[int], ...] | None = None
        if not text:
            return
        if text.startswith("@every "):
            self.every = parse_go_duration(text[len("@every "):])
            if self.every <= 0:
                raise ValueError(f"schedule {text!r}: the interval must be positive")
            return
        line = _MACROS.get(text, text)
        parts = line.split()
        if len(parts) == 5:
            parts = ["0", *parts]
        if len(parts) != 6:
            raise ValueError(f"schedule {text!r} is neither '@every <duration>', a macro, nor a 5/6-field cron line")
        self.fields = tuple(_field(p, lo, hi) for p, (lo, hi) in zip(parts, _RANGES))

    @property
    def enabled(self) -> bool:
        return self.every is not None or self.fields is not None

    def _matches(self, second: int) -> bool:
        assert self.fields is not None
        t = datetime.fromtimestamp(second, timezone.utc)
        weekday = (t.weekday() + 1) % 7          # cron: 0 = Sunday
        sec, minute, hour, day, month, dow = self.fields
        return (t.second in sec and t.minute in minute and t.hour in hour and t.day in day and t.month in month
                and (weekday in dow or (weekday == 0 and 7 in dow)))

    def due(self, last: float, now: float) -> bool:
        """Interval schedules: `every` seconds after the last run. Cron lines: some whole second in (last, now]
        matches (UTC)."""
        if self.every is not None:
            return now - last >= self.every
        if self.fields is None:
            return False
        return any(self._matches(s) for s in range(int(last) + 1, int(now) + 1))
