"""The monthly three-rates snapshots of the demo year's closed months, as the monthly task
stores them on the 1st (complaints/rates.py)."""
from __future__ import annotations

from complaints.rates import rates_snapshot_store


def build(ctx):
    for month in ctx.months[:-1]:  # the last is the current month, still open
        rates_snapshot_store(month=month, now=ctx.now)
