"""`--plot out.png`: one PNG per report, drawn with matplotlib's Agg backend (no display, no
pyplot state): funnel bars with the drop-off, the value pyramid, sources, stages, lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from clickstream.reports.output import describe_run
from clickstream.reports.runner import ReportResult

KEPT = "#2f6db5"  # visitors who went on, customers, orders
LOST = "#e8a3a3"  # drop-off, abandonment
MUTED = "#9aa7b5"  # non-buyers, previous periods
INK = "#222222"


def _figure(
    result: ReportResult, heights: list[float], width: float = 11
) -> tuple[Figure, list[Axes]]:
    """A figure of panels stacked top to bottom, `heights` in inches."""
    figure = Figure(figsize=(width, sum(heights) + 0.8), layout="constrained")
    FigureCanvasAgg(figure)
    grid = figure.subplots(len(heights), 1, squeeze=False, height_ratios=heights)
    axes = list(grid[:, 0])
    figure.suptitle(f"{result.report.title}\n{describe_run(result)}", fontsize=12)
    return figure, axes


def _plain(axes: Axes) -> None:
    """Bars carry their numbers: no value axis, no frame but the baseline."""
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    axes.xaxis.set_visible(False)


def _room_for(notes: list[str]) -> float:
    """How far past the longest bar the value axis must reach for notes written after the bars
    (as a multiple of the longest bar; a character is about 0.9 % of a panel's width)."""
    longest = max((max(len(line) for line in note.split("\n")) for note in notes), default=0)
    return 1.05 + 0.009 * longest / max(0.2, 1 - 0.009 * longest)


def _legend_below(axes: Axes) -> None:
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, frameon=False, fontsize=9)


def _percent(value: float) -> str:
    return f"{value * 100:.1f} %"


def _no_data(axes: Axes, title: str) -> None:
    axes.set_title(title, loc="left")
    axes.text(0.5, 0.5, "no data in this period", ha="center", va="center", color=MUTED)
    axes.set_axis_off()


def _horizontal_bars(
    axes: Axes,
    labels: list[str],
    values: list[float],
    title: str,
    notes: list[str] | None = None,
    colors: list[str] | str = KEPT,
) -> None:
    """Bars top to bottom in the order given, each with its value (or note) at its end."""
    if not labels:
        _no_data(axes, title)
        return
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, values, color=colors)
    axes.set_yticks(positions, labels)
    top = max(values, default=0) or 1
    texts = notes or [f"{value:,.0f}" for value in values]
    for position, value, text in zip(positions, values, texts, strict=True):
        axes.text(value + top * 0.01, position, text, va="center", fontsize=9, color=INK)
    axes.set_xlim(0, top * _room_for(texts))
    axes.set_title(title, loc="left")
    _plain(axes)


# --- funnel ---


def funnel_chart(result: ReportResult) -> Figure:
    steps = result.rows("funnel")
    abandonment = result.rows("abandonment")
    figure, (main, lower) = _figure(result, [4.6, 2.2])
    if not steps or not steps[0]["visitors"]:
        _no_data(main, "Ordered funnel")
    else:
        positions = list(range(len(steps)))[::-1]
        visitors = [row["visitors"] for row in steps]
        dropped = [row["drop_off"] for row in steps]
        main.barh(positions, visitors, color=KEPT, label="reached the step")
        main.barh(positions, dropped, left=visitors, color=LOST, label="dropped off here")
        main.set_yticks(positions, [f"{row['step']}. {row['step_name']}" for row in steps])
        first = visitors[0]
        notes = [
            f"{row['visitors']:,} visitors ({_percent(row['conversion_from_first'])} of step 1)"
            + (
                f"\n−{row['drop_off']:,} dropped off ({_percent(row['drop_off_rate'])} of step "
                f"{row['step'] - 1})"
                if row["step"] > 1
                else ""
            )
            for row in steps
        ]
        for position, note in zip(positions, notes, strict=True):
            main.text(first * 1.02, position, note, va="center", fontsize=9, color=INK)
        main.set_xlim(0, first * _room_for(notes))
        main.set_title("Ordered funnel: visitors per step and drop-off", loc="left")
        _plain(main)
        _legend_below(main)
    if not abandonment:
        _no_data(lower, "Abandonment")
        return figure
    positions = list(range(len(abandonment)))[::-1]
    ordered = [row["ordered_visitors"] for row in abandonment]
    abandoned = [row["abandoned_visitors"] for row in abandonment]
    lower.barh(positions, ordered, color=KEPT, label="ordered within the window")
    lower.barh(positions, abandoned, left=ordered, color=LOST, label="abandoned")
    lower.set_yticks(positions, [row["step"] for row in abandonment])
    total = max((o + a for o, a in zip(ordered, abandoned, strict=True)), default=0) or 1
    notes = [
        f"{row['abandoned_visitors']:,} of {row['started_visitors']:,} abandoned "
        f"({_percent(row['abandonment_rate'])})"
        for row in abandonment
    ]
    for position, row, note in zip(positions, abandonment, notes, strict=True):
        lower.text(row["started_visitors"] + total * 0.01, position, note, va="center", fontsize=9)
    lower.set_xlim(0, total * _room_for(notes))
    lower.set_title("Cart and checkout abandonment", loc="left")
    _plain(lower)
    _legend_below(lower)
    return figure


# --- stages ---


def _first(result: ReportResult, section: str) -> dict[str, Any]:
    rows = result.rows(section)
    return rows[0] if rows else {}


def stages_chart(result: ReportResult) -> Figure:
    stranger, lead = _first(result, "stranger"), _first(result, "lead")
    potential, deal = _first(result, "potential"), _first(result, "deal")
    growth = _first(result, "growth")
    headline = [
        ("stranger: visitors", stranger.get("visitors")),
        ("stranger: clicked past the landing page", stranger.get("second_click_visitors")),
        ("lead: registrations", lead.get("registrations")),
        ("potential: visitors who carted", potential.get("carting_visitors")),
        ("deal: customers", deal.get("customers")),
        ("growth: repeat customers", growth.get("repeat_customers")),
    ]
    shown = [(label, value) for label, value in headline if value is not None]
    figure, (top, bottom) = _figure(result, [3.4, 2.4])
    _horizontal_bars(
        top,
        [label for label, _ in shown],
        [float(value) for _, value in shown],
        "Visitors at each customer stage",
    )
    counts = result.rows("order_counts")
    _horizontal_bars(
        bottom,
        [f"{row['orders_bucket']} order(s)" for row in counts],
        [row["customers"] for row in counts],
        "Customers by number of orders in the period",
        notes=[f"{row['customers']:,} ({_percent(row['share'])})" for row in counts],
    )
    return figure


# --- lifecycle ---

_SEGMENT_COLORS = {"churned": LOST, "loyal": KEPT, "repeat": KEPT, "first_time": KEPT}


def lifecycle_chart(result: ReportResult) -> Figure:
    segments = result.rows("segments")
    figure, (axes,) = _figure(result, [4.2])
    total = sum(row["visitors"] for row in segments) or 1
    _horizontal_bars(
        axes,
        [row["segment"].replace("_", " ") for row in segments],
        [row["visitors"] for row in segments],
        "Visitors per lifecycle segment (blue: buyers, red: churned buyers)",
        notes=[f"{row['visitors']:,} ({_percent(row['visitors'] / total)})" for row in segments],
        colors=[_SEGMENT_COLORS.get(row["segment"], MUTED) for row in segments],
    )
    return figure


# --- pyramid ---


def pyramid_chart(result: ReportResult) -> Figure:
    tiers = result.rows("pyramid")
    figure, (pyramid, counts) = _figure(result, [3.6, 2.4])
    if not any(row["customers"] for row in tiers):
        _no_data(pyramid, "Value pyramid")
    else:
        levels = len(tiers)
        for index, row in enumerate(tiers):  # vip at the top, small at the base
            level = levels - 1 - index
            top_half, base_half = (index + 0.15) / levels, (index + 1) / levels
            pyramid.fill(
                [0.5 - base_half / 2, 0.5 + base_half / 2, 0.5 + top_half / 2, 0.5 - top_half / 2],
                [level, level, level + 0.92, level + 0.92],
                color=KEPT,
                alpha=0.35 + 0.65 * (levels - index) / levels,
            )
            pyramid.text(
                0.5 + base_half / 2 + 0.03,
                level + 0.45,
                f"{row['tier']}: {row['customers']:,} customers, "
                f"{_percent(row['revenue_share'])} of revenue "
                f"({row['revenue']:,.2f}), avg. order {row['avg_order_value']:,.2f}",
                va="center",
                fontsize=9,
            )
        pyramid.set_xlim(0, 1.9)
        pyramid.set_ylim(0, levels)
        pyramid.set_axis_off()
        pyramid.set_title("Value pyramid: customers ranked by revenue", loc="left")
    rows = result.rows("order_counts")
    _horizontal_bars(
        counts,
        [f"{row['orders_bucket']} order(s)" for row in rows],
        [row["customers"] for row in rows],
        "Customers by number of orders",
        notes=[f"{row['customers']:,} ({_percent(row['share'])})" for row in rows],
    )
    return figure


# --- sources ---


def sources_chart(result: ReportResult) -> Figure:
    campaigns = result.rows("campaigns")[:15]
    figure, (axes,) = _figure(result, [max(2.0, 0.45 * len(campaigns) + 0.6)])
    labels = [
        f"{row['utm_campaign']} ({row['utm_source']}/{row['utm_medium']})" for row in campaigns
    ]
    _horizontal_bars(
        axes,
        labels,
        [row["visitors"] for row in campaigns],
        "Campaigns: visitors, and how many ordered (blue)",
        notes=[
            f"{row['visitors']:,} visitors, {row['ordering_visitors']:,} ordered "
            f"({_percent(row['conversion'])}), revenue {row['revenue']:,.2f}"
            for row in campaigns
        ],
        colors=MUTED,
    )
    if campaigns:
        positions = list(range(len(campaigns)))[::-1]
        axes.barh(positions, [row["ordering_visitors"] for row in campaigns], color=KEPT)
    return figure


CHARTS: dict[str, Callable[[ReportResult], Figure]] = {
    "funnel": funnel_chart,
    "stages": stages_chart,
    "lifecycle": lifecycle_chart,
    "pyramid": pyramid_chart,
    "sources": sources_chart,
}


def write_chart(result: ReportResult, path: Path) -> None:
    figure = CHARTS[result.report.chart](result)
    figure.savefig(path, format="png", dpi=110)
