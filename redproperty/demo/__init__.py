"""Guandu demo data: the district the article describes, built by `manage.py load_demo`.

The demo is a list of steps run in order. A step is a module in this package with one
function, `build(ctx)`, that creates its records with `bulk_create` (no history rows: demo
data is not an edit by anyone) and leaves what later steps need on `ctx`.

To add a step: write `redproperty/demo/<name>.py` with `build(ctx)` and append "<name>" to
STEPS below. That is the whole registration; `load_demo` times and prints every step.

What `ctx` (a DemoContext) carries for later steps:
- `now` (the moment the demo runs, or the last instant of `--today`'s day if that is earlier:
  nothing the demo makes lies after it), `today` (its date in Asia/Shanghai), `rng` (a `random.Random(2026)`; draw from it only, so runs are repeatable),
  `period_start` (first day of the quarter a year before today's), `months`, `quarters`;
- places: `district`, `subdistricts` and `communities` (dicts by name), `complexes` (list),
  `complex_by_name`;
- `firms` (dict by name), `contracts` (the serving contract by complex id),
  `committees` (the owners' committee in office by complex id), `community_party`
  (community party committee by community id), `branch_by_complex` (the residential-area
  branch covering a complex, by complex id), `firm_branches` (by firm id), `users` (demo
  accounts by username),
  `quality` (a 0..1 service quality per complex id, which the evidence follows).

The figures the article states (99 communities, 240 residential-area branches, 806
complexes with two-way entry, 13 + 6 red projects, 1 + 11 service centres) come out of
these records; nothing stores them. `redproperty.overview.overview_figures()` counts them.
"""
from __future__ import annotations

import datetime
import importlib
import random
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

STEPS = [
    "places",
    "firms",
    "accounts",
    "contracts",
    "committees",
    "party",
    "appointments",
    "meetings",
    "projects",
    "applications",
    "resources",
    "elections",
    "exits",
    "mediation",
    "evidence",
    "complaints",
    "referrals",
    "snapshots",
    "evaluations",  # keep last: it evaluates what every other step built
]

SEED = 2026


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass
class DemoContext:
    now: datetime.datetime
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    district: object = None
    subdistricts: dict = field(default_factory=dict)
    communities: dict = field(default_factory=dict)
    complexes: list = field(default_factory=list)
    complex_by_name: dict = field(default_factory=dict)
    firms: dict = field(default_factory=dict)
    contracts: dict = field(default_factory=dict)
    committees: dict = field(default_factory=dict)
    community_party: dict = field(default_factory=dict)
    branch_by_complex: dict = field(default_factory=dict)
    firm_branches: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    quality: dict = field(default_factory=dict)

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now, timezone.get_default_timezone())

    @property
    def period_start(self) -> datetime.date:
        """First day of the demo year: the quarter a year before today's quarter."""
        return add_months(quarter_start(self.today), -12)

    @property
    def months(self) -> list[datetime.date]:
        """First days of the months from period_start through today's month."""
        result, month = [], self.period_start
        while month <= self.today:
            result.append(month)
            month = add_months(month, 1)
        return result

    @property
    def quarters(self) -> list[tuple[datetime.date, datetime.date]]:
        """(first day, last day) of each quarter from period_start through today's quarter."""
        return [(m, add_months(m, 3) - datetime.timedelta(days=1)) for m in self.months[::3]]

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        """A random day in [start, end]."""
        return start + datetime.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))


def demo_now(today: datetime.date | None = None) -> datetime.datetime:
    """The moment the demo is built as of: now, or the end of `today` if that is earlier."""
    now = timezone.now()
    if today is None:
        return now
    day_end = datetime.datetime.combine(today, datetime.time.max, tzinfo=timezone.get_default_timezone())
    return min(now, day_end)


def run(*, today: datetime.date | None = None, report=None) -> DemoContext:
    """Build the whole demo in one transaction, as of `demo_now(today)`. `report(step, seconds)`
    is called after each step."""
    ctx = DemoContext(now=demo_now(today))
    with transaction.atomic():
        for name in STEPS:
            started = time.perf_counter()
            importlib.import_module(f"{__name__}.{name}").build(ctx)
            if report:
                report(name, time.perf_counter() - started)
    return ctx
