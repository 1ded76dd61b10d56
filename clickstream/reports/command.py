"""What `clickstream report` does: check the options, find the data, run the report's views,
print the result (table on stdout, or CSV/JSON for pipes) and draw the chart."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from clickstream.config import Settings
from clickstream.reports.definitions import REPORTS
from clickstream.reports.options import ReportOptions, UsageProblem, check, parameter_values
from clickstream.reports.output import print_table, to_csv, to_json
from clickstream.reports.runner import ReportError, run_report, site_time_zone
from clickstream.reports.source import SourceError, open_source
from clickstream.warehouse import WarehouseError

__all__ = ["ReportOptions", "show_report"]


def show_report(
    settings: Settings,
    name: str,
    site: str,
    options: ReportOptions,
    sections: tuple[str, ...],
    output_format: str,
    plot: Path | None,
    console: Console,
) -> None:
    """`console` is stderr: progress and notes go there, the report to stdout."""
    report = REPORTS[name]
    try:
        checked = check(report, options)
        report.shown(checked.extra, sections)
    except UsageProblem as problem:
        raise typer.BadParameter(problem.message, param_hint=problem.option) from problem
    except KeyError as error:
        raise typer.BadParameter(error.args[0], param_hint="--section") from error
    try:
        source = open_source(settings)
    except (SourceError, WarehouseError) as error:
        console.print(f"[red]{escape(str(error))}[/]", soft_wrap=True)
        raise typer.Exit(1) from error
    if source.note:
        console.print(escape(source.note), soft_wrap=True)
    try:
        with console.status(f"{report.title}: reading the site's time zone") as status:
            time_zone = site_time_zone(source.warehouse, site)
            values = parameter_values(report, checked, site, time_zone)
            result = run_report(
                source.warehouse,
                report,
                values,
                time_zone,
                only=sections,
                on_query=lambda section, part: status.update(
                    f"{report.title}: clickstream.{section.view} {part}"
                ),
            )
    except UsageProblem as problem:
        raise typer.BadParameter(problem.message, param_hint=problem.option) from problem
    except (ReportError, WarehouseError) as error:
        console.print(f"[red]report {name} failed:[/] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(1) from error
    finally:
        source.warehouse.close()
    if output_format == "csv":
        sys.stdout.write(to_csv(result))
    elif output_format == "json":
        sys.stdout.buffer.write(to_json(result))
    else:
        print_table(result, Console())
    if plot is not None:
        from clickstream.reports.charts import write_chart

        with console.status(f"drawing {plot}"):
            write_chart(result, plot)
        console.print(f"wrote {escape(str(plot))}", soft_wrap=True)
