"""`clickstream generate` with a progress bar: visitors sent, events, orders, events per second."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from clickstream.generate.journeys import Journeys, TrafficOptions
from clickstream.generate.send import Sender, SendResult, send


def generate(
    options: TrafficOptions,
    sender: Sender,
    console: Console,
    *,
    batch_size: int = 500,
    concurrency: int = 4,
) -> SendResult:
    columns = (
        TextColumn("[bold]visitors"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[events]:,} events, {task.fields[orders]:,} orders"),
        TextColumn("{task.fields[rate]:,.0f} events/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("send", total=options.visitors, events=0, orders=0, rate=0.0)

        def update(result: SendResult) -> None:
            bar.update(
                task,
                completed=result.visitors,
                events=result.events,
                orders=result.orders,
                rate=result.events / result.seconds if result.seconds else 0.0,
            )

        return send(
            Journeys(options).visitors(),
            sender,
            batch_size=batch_size,
            concurrency=concurrency,
            progress=update,
        )
