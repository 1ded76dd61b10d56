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
    result: ReportResult, heights: list[float], columns: int = 1, width: float = 11
) -> tuple[Figure, list[Axes]]:
    """A figure of panels in rows of `heights` inches, `columns` panels per row, left to right
    then top to bottom."""
    figure = Figure(figsize=(width, sum(heights) + 0.8), layout="constrained")
    FigureCanvasAgg(figure)
    grid = figure.subplots(len(heights), columns, squeeze=False, height_ratios=heights)
    axes = list(grid.flat)
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
    """The whole funnel; with --by, the funnel per group (funnel_breakdown_chart)."""
    for section in result.sections:
        if section.section.view.startswith("funnel_by_"):
            return funnel_breakdown_chart(result, section.section.group_by, section.result.dicts())
    figure, (main, reached, lower, trend) = _figure(result, [4.6, 2.8, 2.2, 2.8])
    _ordered_funnel(main, result.rows("funnel"))
    _horizontal_bars(
        reached,
        [f"{row['step']}. {row['step_name']}" for row in result.rows("stages_reached")],
        [row["visitors"] for row in result.rows("stages_reached")],
        "Stages reached in any order: visitors who did each step's action at all",
        notes=[
            f"{row['visitors']:,} ({_percent(row['share'])} of active visitors)"
            for row in result.rows("stages_reached")
        ],
    )
    _abandonment(lower, result.rows("abandonment"))
    _conversion_trend(trend, result.rows("trend"), result.values.get("bucket", "day"))
    return figure


def _kept_and_lost(
    axes: Axes, labels: list[str], kept: list[int], lost: list[int], legend: tuple[str, str]
) -> list[int]:
    """Bars top to bottom: who went on (blue), then who was lost (red) after them; their
    positions."""
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, kept, color=KEPT, label=legend[0])
    axes.barh(positions, lost, left=kept, color=LOST, label=legend[1])
    axes.set_yticks(positions, labels)
    return positions


def _ordered_funnel(main: Axes, steps: list[dict[str, Any]]) -> None:
    if not steps or not steps[0]["visitors"]:
        _no_data(main, "Ordered funnel")
        return
    positions = _kept_and_lost(
        main,
        [f"{row['step']}. {row['step_name']}" for row in steps],
        [row["visitors"] for row in steps],
        [row["drop_off"] for row in steps],
        ("reached the step", "dropped off here"),
    )
    first = steps[0]["visitors"]
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


def _abandonment(lower: Axes, abandonment: list[dict[str, Any]]) -> None:
    if not abandonment:
        _no_data(lower, "Abandonment")
        return
    positions = _kept_and_lost(
        lower,
        [row["step"] for row in abandonment],
        [row["ordered_visitors"] for row in abandonment],
        [row["abandoned_visitors"] for row in abandonment],
        ("ordered within the window", "abandoned"),
    )
    total = max(row["started_visitors"] for row in abandonment) or 1
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


def _period_labels(periods: list[Any], grain: str) -> list[str]:
    return [f"{period:%Y-%m}" if grain == "month" else f"{period:%m-%d}" for period in periods]


def _open_frame(axes: Axes, count: int) -> None:
    axes.tick_params(axis="x", labelsize=8, rotation=45 if count > 16 else 0)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _conversion_trend(axes: Axes, rows: list[dict[str, Any]], grain: str) -> None:
    """Visitors per period as bars, the share of them who ordered as a line over them."""
    title = f"Visit-to-order conversion per {grain} (bars: visitors; line: share who ordered)"
    if not any(row["visitors"] for row in rows):
        _no_data(axes, title)
        return
    labels = _period_labels([row["period_start"] for row in rows], grain)
    axes.bar(labels, [row["visitors"] for row in rows], color=MUTED, label="visitors")
    axes.bar(labels, [row["ordering_visitors"] for row in rows], color=KEPT, label="who ordered")
    axes.set_ylabel("visitors")
    rate = axes.twinx()
    rate.plot(labels, [row["conversion"] * 100 for row in rows], color=INK, marker="o", ms=3)
    rate.set_ylim(0, max(1.0, max(row["conversion"] * 100 for row in rows) * 1.15))
    rate.set_ylabel("% who ordered")
    rate.spines["top"].set_visible(False)
    axes.set_title(title, loc="left")
    axes.legend(loc="upper left", frameon=False, fontsize=9)
    _open_frame(axes, len(labels))


# --- funnel --by ---

_GROUP_COLORS = [KEPT, "#6aa84f", "#e69138", "#8e7cc3", "#cc4125", "#45818e", "#bf9000", MUTED]
_MOST_GROUPS = len(_GROUP_COLORS)  # groups drawn side by side, the largest
_MOST_BARS = 20  # groups in the conversion-to-order panel, the largest


def funnel_breakdown_chart(result: ReportResult, column: str, rows: list[dict[str, Any]]) -> Figure:
    """Per period: the share of each period's visitors reaching each step, and visitors against
    buyers per period. Per channel, campaign, device or visitor type: the conversion of each step
    per group side by side, and the conversion to order per group."""
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[column], []).append(row)
    by = result.values.get("by", "")
    grain = result.values.get("bucket", "day")
    if by == "period":
        figure, (shares, sizes) = _figure(result, [3.8, 2.8])
        _steps_over_time(shares, groups, grain)
        _conversion_trend(
            sizes,
            [
                {
                    "period_start": period,
                    "visitors": steps[0]["visitors"],
                    "ordering_visitors": steps[-1]["visitors"],
                    "conversion": steps[-1]["conversion_from_first"],
                }
                for period, steps in groups.items()
            ],
            grain,
        )
        sizes.set_title(
            f"Chains started per {grain} (bars) and share ending in an order (line)", loc="left"
        )
        return figure
    largest = sorted(groups, key=lambda group: -groups[group][0]["visitors"])
    shown = largest[:_MOST_BARS]
    figure, (steps, orders) = _figure(result, [3.8, max(2.4, 0.32 * len(shown) + 1.2)])
    name = by.replace("_", " ")
    _step_conversion_per_group(steps, {g: groups[g] for g in largest[:_MOST_GROUPS]}, name)
    _horizontal_bars(
        orders,
        [_group_label(group) for group in shown],
        [groups[group][-1]["conversion_from_first"] for group in shown],
        f"Conversion to order per {name} (visitors who ordered of those who came)"
        + (f", the {len(shown)} largest of {len(groups)}" if len(shown) < len(groups) else ""),
        notes=[
            f"{_percent(groups[g][-1]['conversion_from_first'])} "
            f"({groups[g][-1]['visitors']:,} of {groups[g][0]['visitors']:,})"
            for g in shown
        ],
    )
    return figure


def _group_label(group: Any) -> str:
    return str(group) if group != "" else "(none)"


def _step_conversion_per_group(
    axes: Axes, groups: dict[Any, list[dict[str, Any]]], name: str
) -> None:
    title = f"Conversion from the previous step, per {name}"
    if not groups:
        _no_data(axes, title)
        return
    steps = next(iter(groups.values()))[1:]
    width = 0.8 / len(groups)
    for index, (group, rows) in enumerate(groups.items()):
        offset = (index - (len(groups) - 1) / 2) * width
        axes.bar(
            [position + offset for position in range(len(steps))],
            [row["conversion_from_previous"] * 100 for row in rows[1:]],
            width,
            label=f"{_group_label(group)} ({rows[0]['visitors']:,})",
            color=_GROUP_COLORS[index],
        )
    axes.set_xticks(range(len(steps)), [f"{row['step']}. {row['step_name']}" for row in steps])
    axes.set_ylabel("% of the previous step")
    axes.set_ylim(0, 105)
    axes.set_title(title + " (visitors at step 1)", loc="left")
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    _open_frame(axes, 0)


def _steps_over_time(axes: Axes, groups: dict[Any, list[dict[str, Any]]], grain: str) -> None:
    title = f"Share of each {grain}'s visitors reaching each step (% of step 1)"
    if not groups:
        _no_data(axes, title)
        return
    labels = _period_labels(list(groups), grain)
    for step in range(1, 6):
        axes.plot(
            labels,
            [rows[step]["conversion_from_first"] * 100 for rows in groups.values()],
            marker="o",
            ms=3,
            color=_GROUP_COLORS[step - 1],
            label=f"{step + 1}. {next(iter(groups.values()))[step]['step_name']}",
        )
    axes.set_ylabel("% of the visitors")
    axes.set_ylim(0, 105)
    axes.set_title(title, loc="left")
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    _open_frame(axes, len(labels))


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
    _order_counts(bottom, result.rows("order_counts"))
    return figure


def _order_counts(axes: Axes, rows: list[dict[str, Any]]) -> None:
    _horizontal_bars(
        axes,
        [f"{row['orders_bucket']} order(s)" for row in rows],
        [row["customers"] for row in rows],
        "Customers by number of orders in the period",
        notes=[f"{row['customers']:,} ({_percent(row['share'])})" for row in rows],
    )


# --- lifecycle ---

_SEGMENT_COLORS = {"churned": LOST, "loyal": KEPT, "repeat": KEPT, "first_time": KEPT}


def lifecycle_chart(result: ReportResult) -> Figure:
    segments = result.rows("segments")
    figure, (bars, moves) = _figure(result, [3.6, 4.4])
    total = sum(row["visitors"] for row in segments) or 1
    _horizontal_bars(
        bars,
        [row["segment"].replace("_", " ") for row in segments],
        [row["visitors"] for row in segments],
        "Visitors per lifecycle segment (blue: buyers, red: churned buyers)",
        notes=[f"{row['visitors']:,} ({_percent(row['visitors'] / total)})" for row in segments],
        colors=[_SEGMENT_COLORS.get(row["segment"], MUTED) for row in segments],
    )
    movement = result.rows("movement")
    order = ["new", *(row["segment"] for row in segments)]
    moved: dict[tuple[str, str], int] = {}
    for row in movement:
        key = (row["from_segment"], row["to_segment"])
        moved[key] = moved.get(key, 0) + row["visitors"]
    months = sorted({row["month"] for row in movement})
    title = "Moves between segments, summed over the months" + (
        f" {months[0]:%Y-%m} to {months[-1]:%Y-%m}" if months else ""
    )
    rows = [name for name in order if any(key[0] == name for key in moved)]
    columns = [name for name in order[1:] if any(key[1] == name for key in moved)]
    _heatmap(
        moves,
        [[moved.get((a, b)) for b in columns] for a in rows],
        [name.replace("_", " ") for name in rows],
        [name.replace("_", " ") for name in columns],
        title,
        "segment at the month's start",
        "segment at the month's end",
        lambda value: f"{value:,}",
    )
    return figure


def _heatmap(
    axes: Axes,
    cells: list[list[Any]],
    row_labels: list[str],
    column_labels: list[str],
    title: str,
    row_title: str,
    column_title: str,
    text: Callable[[Any], str],
    as_share: bool = False,
) -> None:
    """Cells shaded by value (None: blank), each with its text."""
    if not cells or not column_labels:
        _no_data(axes, title)
        return
    values = [[float("nan") if v is None else float(v) for v in row] for row in cells]
    finite = [v for row in values for v in row if v == v]
    top = 1.0 if as_share else (max(finite, default=1) or 1)
    axes.imshow(values, cmap="Blues", vmin=0, vmax=top, aspect="auto")
    for y, row in enumerate(cells):
        for x, value in enumerate(row):
            if value is not None:
                dark = float(value) > top * 0.6
                axes.text(
                    x,
                    y,
                    text(value),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if dark else INK,
                )
    axes.set_xticks(range(len(column_labels)), column_labels, fontsize=9)
    axes.set_yticks(range(len(row_labels)), row_labels, fontsize=9)
    axes.set_xlabel(column_title)
    axes.set_ylabel(row_title)
    axes.set_title(title, loc="left")
    for side in axes.spines.values():
        side.set_visible(False)


# --- cohorts ---


def cohorts_chart(result: ReportResult) -> Figure:
    rows = result.rows("retention")
    cohorts = sorted({row["cohort"] for row in rows})
    offsets = sorted({row["period_offset"] for row in rows})
    sizes = {row["cohort"]: row["cohort_size"] for row in rows}
    rates = {(row["cohort"], row["period_offset"]): row["retention_rate"] for row in rows}
    figure, (axes,) = _figure(result, [max(2.5, 0.4 * len(cohorts) + 1.2)])
    values = result.values
    unit = "weeks" if values.get("grain") == "week" else "months"
    by = "first order" if values.get("cohort_by") == "first_order" else "first visit"
    _heatmap(
        axes,
        [[rates.get((cohort, offset)) for offset in offsets] for cohort in cohorts],
        [f"{cohort:%Y-%m-%d} ({sizes[cohort]:,})" for cohort in cohorts],
        [str(offset) for offset in offsets],
        f"Retention by {by} cohort: share active again {unit} later",
        f"cohort (size), by {by}",
        f"{unit} after the cohort's {unit[:-1]} (0: the same {unit[:-1]})",
        lambda value: f"{value * 100:.0f}%",
        as_share=True,
    )
    return figure


# --- pyramid ---


def pyramid_chart(result: ReportResult) -> Figure:
    tiers = result.rows("pyramid")
    figure, (pyramid, counts, rfm) = _figure(result, [3.6, 2.4, 2.8])
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
    _order_counts(counts, result.rows("order_counts"))
    _rfm(rfm, result.rows("rfm"))
    return figure


def _rfm(axes: Axes, rows: list[dict[str, Any]]) -> None:
    title = "Customers per recency, frequency and monetary score (5 = best)"
    if not any(row["customers"] for row in rows):
        _no_data(axes, title)
        return
    dimensions = list(dict.fromkeys(row["dimension"] for row in rows))
    width = 0.8 / len(dimensions)
    colors = [KEPT, "#6aa84f", "#e69138"]
    for index, dimension in enumerate(dimensions):
        scored = [row for row in rows if row["dimension"] == dimension]
        positions = [row["score"] + (index - (len(dimensions) - 1) / 2) * width for row in scored]
        axes.bar(
            positions,
            [row["customers"] for row in scored],
            width,
            label=dimension,
            color=colors[index % len(colors)],
        )
    axes.set_xticks(range(1, 6), [f"score {score}" for score in range(1, 6)])
    axes.set_ylabel("customers")
    axes.set_title(title, loc="left")
    axes.legend(frameon=False, fontsize=9)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


# --- sources ---


_CHANNEL_COLORS = {
    "direct": "#2f6db5",
    "search": "#6aa84f",
    "social": "#e69138",
    "email": "#8e7cc3",
    "paid": "#cc4125",
    "referral": "#45818e",
    "internal": "#bf9000",
    "none": "#999999",
}


def _stacked_over_time(axes: Axes, rows: list[dict[str, Any]], measure: str, title: str) -> None:
    if not any(row[measure] for row in rows):
        _no_data(axes, title)
        return
    periods = sorted({row["period_start"] for row in rows})
    totals: dict[str, float] = {}
    for row in rows:
        totals[row["channel"]] = totals.get(row["channel"], 0) + float(row[measure])
    channels = sorted(totals, key=lambda channel: -totals[channel])
    values = {(row["period_start"], row["channel"]): float(row[measure]) for row in rows}
    bottom = [0.0] * len(periods)
    labels = [f"{period:%m-%d}" for period in periods]
    for channel in channels:
        heights = [values.get((period, channel), 0.0) for period in periods]
        axes.bar(
            labels, heights, bottom=bottom, label=channel, color=_CHANNEL_COLORS.get(channel, MUTED)
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_title(title, loc="left")
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    axes.tick_params(axis="x", labelsize=8, rotation=45 if len(periods) > 16 else 0)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _source_label(row: dict[str, Any]) -> str:
    detail = row["utm_campaign"] or row["referrer_domain"] or row["utm_source"]
    return f"{row['channel']}: {detail}" if detail else row["channel"]


def sources_chart(result: ReportResult) -> Figure:
    channels = result.rows("channels")
    compared = [row for row in result.rows("compare") if row["model"] == "last_touch"][:10]
    figure, (visitors, orders, compare) = _figure(
        result, [3.0, 3.0, max(2.5, 0.45 * len(compared) + 1)]
    )
    grain = result.values.get("grain", "week")
    _stacked_over_time(visitors, channels, "visitors", f"Visitors per {grain}, by channel")
    _stacked_over_time(orders, channels, "orders", f"Orders per {grain}, by channel")
    then = {"month": "month", "quarter": "quarter", "year": "year"}[
        result.values.get("compare_to", "month")
    ]
    title = f"Top sources (last touch): visitors against the same period a {then} before"
    if not compared:
        _no_data(compare, title)
        return figure
    positions = list(range(len(compared)))[::-1]
    compare.barh(
        [p + 0.2 for p in positions],
        [r["visitors"] for r in compared],
        0.4,
        color=KEPT,
        label="this period",
    )
    compare.barh(
        [p - 0.2 for p in positions],
        [r["previous_visitors"] for r in compared],
        0.4,
        color=MUTED,
        label=f"a {then} before",
    )
    compare.set_yticks(positions, [_source_label(row) for row in compared], fontsize=9)
    notes = [
        "new"
        if row["visitors_change_rate"] is None
        else f"{row['visitors_change_rate'] * 100:+.0f}%"
        for row in compared
    ]
    top = max(max(r["visitors"], r["previous_visitors"]) for r in compared) or 1
    for position, row, note in zip(positions, compared, notes, strict=True):
        compare.text(
            max(row["visitors"], row["previous_visitors"]) + top * 0.01,
            position,
            note,
            va="center",
            fontsize=9,
        )
    compare.set_xlim(0, top * 1.15)
    compare.set_title(title, loc="left")
    _plain(compare)
    _legend_below(compare)
    return figure


# --- products ---


def products_chart(result: ReportResult) -> Figure:
    figure, panels = _figure(result, [4.2, 4.2], columns=2, width=13)
    for axes, (section, measure, title) in zip(
        panels,
        [
            ("most_viewed", "views", "Most viewed (product page views)"),
            ("most_carted", "carts", "Most carted (cart additions; cart-to-order rate)"),
            ("most_ordered", "orders", "Most ordered (orders; revenue)"),
        ],
        strict=False,
    ):
        rows = result.rows(section)[:10]
        notes = {
            "views": [f"{row['views']:,}" for row in rows],
            "carts": [f"{row['carts']:,} ({_percent(row['cart_to_order_rate'])})" for row in rows],
            "orders": [f"{row['orders']:,} ({row['revenue']:,.2f})" for row in rows],
        }[measure]
        _horizontal_bars(
            axes,
            [f"{row['product_id']} ({row['category']})" for row in rows],
            [row[measure] for row in rows],
            title,
            notes=notes,
        )
    pairs = result.rows("bought_together")[:10]
    _horizontal_bars(
        panels[3],
        [f"{row['product_a']} + {row['product_b']}" for row in pairs],
        [row["orders"] for row in pairs],
        "Bought together (orders; lift)",
        notes=[f"{row['orders']:,} (lift {row['lift']:.1f})" for row in pairs],
    )
    return figure


CHARTS: dict[str, Callable[[ReportResult], Figure]] = {
    "funnel": funnel_chart,
    "stages": stages_chart,
    "lifecycle": lifecycle_chart,
    "pyramid": pyramid_chart,
    "sources": sources_chart,
    "cohorts": cohorts_chart,
    "products": products_chart,
}


def write_chart(result: ReportResult, path: Path) -> None:
    figure = CHARTS[result.report.chart](result)
    figure.savefig(path, format="png", dpi=110)
