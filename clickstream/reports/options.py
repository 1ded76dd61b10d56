"""The command line's report options: checked before anything is read (a bad date is a usage
error, exit code 2), completed with the report's defaults on the shop's clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from clickstream.reports.model import Report
from clickstream.reports.period import parse_duration, parse_time, resolve_period, shop_now

DEFAULT_WINDOW = "7d"  # the funnel's conversion window (SPEC section 8)
DEFAULT_DORMANT_DAYS = 30  # lifecycle_segments' thresholds
DEFAULT_CHURN_DAYS = 180
DEFAULT_TOP = 20
DEFAULT_COHORT_BY = "first_visit"
DEFAULT_COMPARE_TO = "month"

# Option name on the command line -> the report option it is (Report.options).
_REPORT_OPTIONS = {
    "--window": "window",
    "--as-of": "as_of",
    "--dormant-days": "dormant_days",
    "--churn-days": "churn_days",
    "--top": "top",
    "--by": "by",
    "--cohort-by": "cohort_by",
    "--grain": "grain",
    "--compare-to": "compare_to",
}


class UsageProblem(Exception):
    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option
        self.message = message


@dataclass(frozen=True)
class ReportOptions:
    """As given on the command line (None: not given)."""

    date_from: str | None = None
    date_to: str | None = None
    as_of: str | None = None
    window: str | None = None
    dormant_days: int | None = None
    churn_days: int | None = None
    top: int | None = None
    by: str | None = None
    cohort_by: str | None = None
    grain: str | None = None
    compare_to: str | None = None


@dataclass(frozen=True)
class Checked:
    date_from: datetime | None
    date_to: datetime | None
    as_of: datetime | None
    window_seconds: int
    extra: dict[str, Any]


def _time(option: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_time(text)
    except ValueError as error:
        raise UsageProblem(option, str(error)) from error


def _one_of(values: Sequence[str]) -> str:
    return ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else "".join(values)


def check(report: Report, options: ReportOptions) -> Checked:
    """Refuse what does not parse or does not apply to the report."""
    for flag, name in _REPORT_OPTIONS.items():
        if getattr(options, name) is not None and name not in report.options:
            raise UsageProblem(flag, f"does not apply to the {report.name} report")
    if options.by is not None and options.by not in report.choices("by"):
        raise UsageProblem(
            "--by",
            f"the {report.name} report takes {_one_of(report.choices('by'))}, not {options.by!r}",
        )
    if options.grain is not None and options.grain not in report.grains:
        raise UsageProblem("--grain", f"the {report.name} report takes {_one_of(report.grains)}")
    if options.grain is not None and not any(
        section.uses_grain for section in report.shown({"by": options.by})
    ):
        raise UsageProblem(
            "--grain", f"does not apply to the {report.name} report --by {options.by}"
        )
    takes_period = any("date_from" in s.parameters for s in report.sections)
    if not takes_period:
        for flag, value in (("--from", options.date_from), ("--to", options.date_to)):
            if value is not None:
                raise UsageProblem(flag, f"the {report.name} report takes no period (--as-of)")
    date_from = _time("--from", options.date_from)
    date_to = _time("--to", options.date_to)
    if date_from and date_to and date_from >= date_to:
        raise UsageProblem("--to", f"{options.date_to} is not after --from {options.date_from}")
    try:
        window_seconds = parse_duration(options.window or DEFAULT_WINDOW)
    except ValueError as error:
        raise UsageProblem("--window", str(error)) from error
    extra = {
        "dormant_days": options.dormant_days or DEFAULT_DORMANT_DAYS,
        "one_time_churn_days": options.churn_days or DEFAULT_CHURN_DAYS,
        "top": DEFAULT_TOP if options.top is None else options.top,
        "by": options.by,
        "cohort_by": options.cohort_by or DEFAULT_COHORT_BY,
        "grain": options.grain or report.default_grain,
        "compare_to": options.compare_to or DEFAULT_COMPARE_TO,
    }
    return Checked(date_from, date_to, _time("--as-of", options.as_of), window_seconds, extra)


def parameter_values(report: Report, checked: Checked, site: str, time_zone: str) -> dict[str, Any]:
    """Every value the report's views may take, the defaults filled in on the shop's clock."""
    now = shop_now(time_zone)
    sections = report.shown(checked.extra)
    needed = {name for section in sections for name in section.parameters}
    values: dict[str, Any] = {"site": site}
    if "date_from" in needed:
        try:
            period = resolve_period(
                checked.date_from,
                checked.date_to,
                checked.extra["grain"] if report.whole_periods else None,
                now.date(),
            )
        except ValueError as error:
            raise UsageProblem("--from", str(error)) from error
        values |= {"date_from": period.date_from, "date_to": period.date_to}
    if "as_of" in needed:
        values["as_of"] = checked.as_of or now
    if "window_seconds" in needed:
        values["window_seconds"] = checked.window_seconds
    uses_grain = any(section.uses_grain for section in sections)
    values |= {
        name: value
        for name, value in checked.extra.items()
        if value is not None
        and (
            name in needed
            or (name in report.options - {"grain"})
            or (name == "grain" and uses_grain)
        )
    }
    if "bucket" in needed:
        values["bucket"] = checked.extra["grain"]
    return values
