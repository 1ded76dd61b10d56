"""The reports of `clickstream report`, in one place: which views each shows, with which
parameters. Every view is documented in its queries/NNN_<view>.sql header."""

from __future__ import annotations

from clickstream.reports.model import PERIOD, Pivot, Report, Section

WINDOWED = (*PERIOD, "window_seconds")

# The funnel report without --by: the whole funnel; with --by: one funnel per group instead.
_WHOLE = {"by": frozenset({""})}
# --by value -> the view's leading column, what the groups are
_FUNNEL_BY = {
    "period": ("period_start", "per day, week or month of the chain's first visit"),
    "channel": ("channel", "by the channel of the landing page"),
    "campaign": ("utm_campaign", "by the UTM campaign of the landing page"),
    "device": ("device_class", "by the device class of the landing page"),
    "visitor_type": ("visitor_type", "for new and returning visitors"),
}

FUNNEL = Report(
    name="funnel",
    title="Funnel",
    question="Where do visitors drop out between the first click and the order, and (--by) "
    "does that differ per period, channel, campaign, device or new and returning visitors?",
    sections=(
        Section("funnel", "funnel", "Ordered funnel", WINDOWED, when=_WHOLE),
        Section(
            "stages_reached",
            "funnel_stage_reached",
            "Stages reached, in any order",
            when=_WHOLE,
        ),
        Section(
            "abandonment", "abandonment", "Cart and checkout abandonment", WINDOWED, when=_WHOLE
        ),
        Section(
            "trend",
            "conversion_trend",
            "Visit-to-order conversion per period",
            (*PERIOD, "bucket"),
            when=_WHOLE,
        ),
        *(
            Section(
                f"by_{by}",
                f"funnel_by_{by}",
                f"Ordered funnel {groups}",
                (*WINDOWED, "bucket") if by == "period" else WINDOWED,
                group_by=column,
                when={"by": frozenset({by})},
            )
            for by, (column, groups) in _FUNNEL_BY.items()
        ),
    ),
    options=frozenset({"window", "by", "grain"}),
    default_grain="day",  # the trend and --by period: the last 30 days, day by day
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
    "customers does the shop have, and how did they move between segments month by month?",
    sections=(
        Section(
            "segments",
            "lifecycle_segments_custom",
            "Lifecycle segments",
            ("site", "as_of", "dormant_days", "one_time_churn_days"),
        ),
        Section(
            "movement",
            "lifecycle_movement",
            "Movement between segments, per month",
            order_by="month, from_segment, visitors DESC, to_segment",
            group_by="month",
        ),
    ),
    options=frozenset({"as_of", "dormant_days", "churn_days"}),
    default_grain="month",
    grains=("month",),
    whole_periods=True,
    chart="lifecycle",
)

PYRAMID = Report(
    name="pyramid",
    title="Customer value pyramid",
    question="How much of the revenue comes from the few best customers, and how recent, "
    "frequent and big are the customers' orders?",
    sections=(
        Section("pyramid", "value_pyramid", "Value pyramid"),
        Section("order_counts", "order_count_distribution", "Orders per customer"),
        Section("rfm", "rfm_summary", "Recency, frequency, monetary scores", group_by="dimension"),
    ),
    chart="pyramid",
)

_TOP_SOURCES = (
    "model, visitors DESC, channel, utm_source, utm_medium, utm_campaign, referrer_domain"
)

SOURCES = Report(
    name="sources",
    title="Acquisition sources",
    question="Where do visitors and orders come from, first touch and last touch, against the "
    "month, quarter or year before, and over time?",
    sections=(
        Section(
            "sources",
            "acquisition_sources",
            "Sources, first and last touch",
            order_by=_TOP_SOURCES,
            limited=True,
            limit_by="model",
            group_by="model",
        ),
        Section(
            "compare",
            "acquisition_sources_compare",
            "Sources against the period before",
            (*PERIOD, "compare_to"),
            order_by=_TOP_SOURCES,
            limited=True,
            limit_by="model",
            group_by="model",
        ),
        Section(
            "channels",
            "acquisition_sources",
            "Channels over time (last touch)",
            query_file="channels",
            per_period=True,
            layout="pivot",
            pivot=Pivot("period_start", "channel", "visitors"),
        ),
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
    options=frozenset({"window", "top", "compare_to", "grain"}),
    default_grain="week",  # one acquisition_sources query per week (per day: 30 queries)
    chart="sources",
)

COHORTS = Report(
    name="cohorts",
    title="Cohort retention",
    question="Of the visitors who first came (or first ordered) in a week or month, how many "
    "came back (ordered again) in each later one?",
    sections=(
        Section(
            "retention",
            "cohort_retention",
            "Retention by cohort",
            (*PERIOD, "cohort_by", "grain"),
            layout="pivot",
            pivot=Pivot("cohort", "period_offset", "retention_rate", keep=("cohort_size",)),
        ),
    ),
    options=frozenset({"cohort_by", "grain"}),
    default_grain="month",
    grains=("week", "month"),
    whole_periods=True,
    chart="cohorts",
)

PRODUCTS = Report(
    name="products",
    title="Products",
    question="Which products are most viewed, most carted, most ordered; how often does a cart "
    "become an order; what is bought together?",
    sections=(
        Section("most_viewed", "product_stats", "Most viewed", order_by="views_rank", limited=True),
        Section("most_carted", "product_stats", "Most carted", order_by="carts_rank", limited=True),
        Section(
            "most_ordered", "product_stats", "Most ordered", order_by="orders_rank", limited=True
        ),
        Section(
            "bought_together",
            "products_bought_together",
            "Bought together",
            order_by="orders DESC, product_a, product_b",
            limited=True,
        ),
    ),
    options=frozenset({"top"}),
    chart="products",
)

REPORTS: dict[str, Report] = {
    report.name: report
    for report in (FUNNEL, STAGES, LIFECYCLE, PYRAMID, SOURCES, COHORTS, PRODUCTS)
}
