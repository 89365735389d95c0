"""ECharts options built from the tables the pages show (a chart is data first: the view
builds the table, the template shows it, static/dashboard/charts.js draws it from these
options, passed with json_script). Only plain data: no functions, so no inline script."""
from __future__ import annotations

from decimal import Decimal

# Colours with at least 3:1 contrast on white (WCAG 1.4.11 for graphics).
PALETTE = ["#b71c1c", "#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037", "#ad1457", "#455a64", "#827717"]
GRADE_COLOURS = ["#1b5e20", "#1565c0", "#ef6c00", "#b71c1c", "#757575"]


def _number(value):
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def _base(title: str, categories: list[str], *, percent: bool = False) -> dict:
    return {
        "aria": {"enabled": True},
        "animation": False,
        "color": PALETTE,
        "title": {"show": False, "text": title},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 48, "right": 16, "top": 40, "bottom": 32, "containLabel": True},
        "xAxis": {"type": "category", "data": categories},
        "yAxis": {"type": "value", **({"min": 0, "max": 100} if percent else {"minInterval": 1})},
    }


def line_chart(title: str, categories: list[str], series: list[tuple[str, list]], *, percent: bool = False) -> dict:
    options = _base(title, categories, percent=percent)
    options["series"] = [
        {"name": name, "type": "line", "connectNulls": False, "symbolSize": 7, "data": [_number(v) for v in values]}
        for name, values in series
    ]
    return options


def bar_chart(title: str, categories: list[str], series: list[tuple[str, list]], *, stacked: bool = False,
              percent: bool = False, colours: list[str] | None = None) -> dict:
    options = _base(title, categories, percent=percent)
    if colours:
        options["color"] = colours
    options["series"] = [
        {"name": name, "type": "bar", **({"stack": "total"} if stacked else {}), "data": [_number(v) for v in values]}
        for name, values in series
    ]
    return options


def ranking_chart(title: str, names: list[str], series: list[tuple[str, list]]) -> dict:
    """Horizontal bars, one group per place or firm, best at the top."""
    options = _base(title, list(reversed(names)), percent=True)
    options["xAxis"], options["yAxis"] = options["yAxis"], options["xAxis"]
    options["series"] = [
        {"name": name, "type": "bar", "data": [_number(v) for v in reversed(values)]} for name, values in series
    ]
    return options
