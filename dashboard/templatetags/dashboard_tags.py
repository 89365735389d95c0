"""Formatting of the dashboard's figures: rates, durations, months."""
from __future__ import annotations

import datetime

from django import template
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def pct(value) -> str:
    """A rate as "95.0%", or "—" when it has no data."""
    if value is None or value == "":
        return "—"
    return f"{number_format(value, 1)}%"


@register.filter
def hours(value: datetime.timedelta | None) -> str:
    """A duration in hours with one decimal ("3.5 h"), or "—"."""
    if value is None:
        return "—"
    return _("%(hours)s h") % {"hours": number_format(value.total_seconds() / 3600, 1)}


@register.filter
def month(value) -> str:
    return date_format(value, "YEAR_MONTH_FORMAT") if value else ""


@register.filter
def dash(value) -> str:
    return "—" if value is None or value == "" else value


@register.filter
def at(sequence, index):
    return sequence[index]
