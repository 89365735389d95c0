"""The fixed instants of the tests that read the clock (dates are Asia/Shanghai, UTC+8).

A test whose outcome depends on the date runs at one of these, never at the time the suite
happens to run:

- `pinned`: a module or test marker that starts the test at NOW with the clock stopped
  (time-machine's `time_machine` marker); inside, `time_machine.move_to(...)` moves it on.
- BOUNDARIES: 23:59 and 00:00 in Shanghai at the end of a month (November 2026) and of a quarter
  (September 2026). At 00:00 on the 1st in Shanghai it is still 16:00 on the last day of the
  month in UTC: a rule that takes the date or the month from UTC is a day (and a month) off.
  Parametrize a rule that depends on the day, the month or the quarter over them.
"""
from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")

# 10:00 on Thursday 26 November 2026 in Shanghai (02:00 UTC), the clock of tests/workbench and
# tests/dashboard too.
NOW = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)

pinned = pytest.mark.time_machine(NOW, tick=False)

# 02:00 on 1 October 2026 in Shanghai: beat's quarterly evaluation of the third quarter
# (redproperty/migrations/0002_schedules.py).
QUARTER_RUN = datetime.datetime(2026, 10, 1, 2, 0, tzinfo=SHANGHAI)
pinned_at_the_quarterly_run = pytest.mark.time_machine(QUARTER_RUN, tick=False)


def _at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


MONTH_LAST_MINUTE = _at(2026, 11, 30, 23, 59)   # 15:59 UTC on 30 November
MONTH_FIRST_MINUTE = _at(2026, 12, 1, 0, 0)     # 16:00 UTC on 30 November
QUARTER_LAST_MINUTE = _at(2026, 9, 30, 23, 59)  # 15:59 UTC on 30 September
QUARTER_FIRST_MINUTE = _at(2026, 10, 1, 0, 0)   # 16:00 UTC on 30 September

BOUNDARIES = [
    pytest.param(MONTH_LAST_MINUTE, id="2026-11-30T23:59+08"),
    pytest.param(MONTH_FIRST_MINUTE, id="2026-12-01T00:00+08"),
    pytest.param(QUARTER_LAST_MINUTE, id="2026-09-30T23:59+08"),
    pytest.param(QUARTER_FIRST_MINUTE, id="2026-10-01T00:00+08"),
]
