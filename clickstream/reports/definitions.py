"""The reports of `clickstream report`, in one place: which views each shows, with which
parameters. Every view is documented in its queries/NNN_<view>.sql header."""

from __future__ import annotations

from clickstream.reports.model import PERIOD, Report, Section

WINDOWED = (*PERIOD, "window_seconds")

FUNNEL = Report(
    name="funnel",
    title="Funnel",
    question="Where do visitors drop out between the first click and the order?",
    sections=(
        Section("funnel", "funnel", "Ordered funnel", WINDOWED),
        Section("abandonment", "abandonment", "Cart and checkout abandonment", WINDOWED),
    ),
    options=frozenset({"window"}),
    chart="funnel",
)

STAGES = Report(
    name="stages",
    title="Customer stages",
    question="The numbers of each customer stage: stranger, lead, potential, deal, growth, "
    "engagement.",
    sections=(
        Section("stranger", "stranger_stage", "Stranger stage: traffic", layout="record"),
        Section("lead", "lead_stage", "Lead stage: registrations", layout="record"),
        Section("potential", "potential_stage", "Potential stage: interest", layout="record"),
        Section("abandonment", "abandonment", "Potential stage: abandonment", WINDOWED),
        Section("deal", "deal_stage", "Deal stage: orders and revenue", layout="record"),
        Section("growth", "growth_stage", "Growth stage: repeat customers", layout="record"),
        Section("order_counts", "order_count_distribution", "Growth stage: orders per customer"),
        Section("engagement", "engagement", "Engagement: shares, reviews, referrals"),
    ),
    options=frozenset({"window"}),
    chart="stages",
)

LIFECYCLE = Report(
    name="lifecycle",
    title="Customer lifecycle",
    question="How many strangers, leads, potential, first-time, repeat, loyal and churned "
    "customers does the shop have?",
    sections=(
        Section(
            "segments",
            "lifecycle_segments_custom",
            "Lifecycle segments",
            ("site", "as_of", "dormant_days", "one_time_churn_days"),
        ),
    ),
    options=frozenset({"as_of", "dormant_days", "churn_days"}),
    chart="lifecycle",
)

PYRAMID = Report(
    name="pyramid",
    title="Customer value pyramid",
    question="How much of the revenue comes from the few best customers?",
    sections=(
        Section("pyramid", "value_pyramid", "Value pyramid"),
        Section("order_counts", "order_count_distribution", "Orders per customer"),
    ),
    chart="pyramid",
)

SOURCES = Report(
    name="sources",
    title="Acquisition sources",
    question="Where do visitors and orders come from?",
    sections=(
        Section(
            "campaigns",
            "campaign_conversion",
            "Campaign conversion",
            WINDOWED,
            limited=True,
        ),
        Section(
            "campaign_costs",
            "campaign_acquisition_cost",
            "Campaign acquisition cost",
            WINDOWED,
            limited=True,
        ),
    ),
    options=frozenset({"window", "top"}),
    chart="sources",
)

REPORTS: dict[str, Report] = {
    report.name: report for report in (FUNNEL, STAGES, LIFECYCLE, PYRAMID, SOURCES)
}
