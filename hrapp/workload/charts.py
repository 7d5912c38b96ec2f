"""ECharts options (plain dicts) for the workload pages; the page passes them to the chart macro."""

from __future__ import annotations

from flask_babel import gettext as _


def _percent(value):
    return None if value is None else round(value * 100, 2)


def trend_option(trend, *, normalised: bool = False) -> dict:
    """Monthly volume (bars) with closure, on-time and satisfaction rates (lines, right axis)."""
    months = [m.label for m in trend]
    volume_name = _("Case count")
    return {
        "tooltip": {"trigger": "axis"},
        # The legend sits below the plot and scrolls: on a phone four names do not fit in a row.
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 10, "right": 10, "top": 15, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": months},
        "yAxis": [
            {"type": "value", "minInterval": 1},
            {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        ],
        "series": [
            {"name": volume_name, "type": "bar", "data": [m.volume for m in trend]},
            {
                "name": _("Closure rate"),
                "type": "line",
                "yAxisIndex": 1,
                "data": [_percent(m.closure_rate) for m in trend],
            },
            {
                "name": _("On-time rate"),
                "type": "line",
                "yAxisIndex": 1,
                "data": [_percent(m.on_time_rate) for m in trend],
            },
            {
                "name": _("Satisfaction"),
                "type": "line",
                "yAxisIndex": 1,
                "data": [_percent(m.satisfaction) for m in trend],
            },
        ],
    }


def work_option(trend) -> dict:
    """Monthly 四实 items collected and household visits."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 10, "right": 10, "top": 15, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": [m.label for m in trend]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": _("Items collected"), "type": "bar", "data": [m.collected for m in trend]},
            {"name": _("Household visits"), "type": "bar", "data": [m.visits for m in trend]},
        ],
    }


def comparison_option(rows, value_name: str) -> dict:
    """Horizontal bars of normalised volume per street or grid."""
    rows = list(rows)[:30]
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 10, "right": 30, "top": 10, "bottom": 10, "containLabel": True},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "inverse": True, "data": [m.label for m in rows]},
        "series": [
            {
                "name": value_name,
                "type": "bar",
                "data": [round(m.normalised_volume or 0, 1) for m in rows],
            }
        ],
    }


def balance_option(balance) -> dict:
    """Box plot of each grid's load per officer, with the outliers as points."""
    loads = sorted(grid.load_per_officer for grid in balance.grids)
    low = min((x for x in loads if x >= balance.low_fence), default=0)
    high = max((x for x in loads if x <= balance.high_fence), default=0)
    name = _("Workload index per officer")
    return {
        "tooltip": {"trigger": "item"},
        "grid": {"left": 60, "right": 20, "top": 20, "bottom": 30},
        "xAxis": {"type": "category", "data": [name]},
        "yAxis": {"type": "value"},
        "series": [
            {
                "name": name,
                "type": "boxplot",
                "data": [[round(v, 3) for v in (low, balance.q1, balance.median, balance.q3, high)]],
            },
            {
                "name": _("Outliers"),
                "type": "scatter",
                "data": [[0, round(grid.load_per_officer, 3)] for grid in balance.outliers],
            },
        ],
    }


def deviation_option(balance) -> dict:
    """The grids furthest from the median load, as deviation bars (percent of the median)."""
    median = balance.median or 1
    rows = balance.furthest
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 10, "right": 30, "top": 10, "bottom": 10, "containLabel": True},
        "xAxis": {"type": "value", "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "inverse": True, "data": [grid.label for grid in rows]},
        "series": [
            {
                "name": _("Deviation from the median"),
                "type": "bar",
                "data": [round((grid.load_per_officer - median) / median * 100, 1) for grid in rows],
            }
        ],
    }
