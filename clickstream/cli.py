"""The `clickstream` command. Each subcommand's options also read CLICKSTREAM_* variables."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from rich.console import Console

from clickstream.config import Settings, load_settings
from clickstream.reports.definitions import REPORTS
from pipeline.funnel_snapshots import DEFAULT_WINDOW_SECONDS, SETTLE_SECONDS

if TYPE_CHECKING:
    from clickstream.warehouse import Warehouse
    from pipeline.loader import Loader

app = typer.Typer(
    name="clickstream",
    help="Clickstream funnel analytics for online shops.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)
ReportName = Literal[tuple(REPORTS)]  # type: ignore[valid-type]  # the names, as choices

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", envvar="CLICKSTREAM_CONFIG", help="TOML settings file."),
]
ClickHouseOption = Annotated[
    str | None,
    typer.Option(
        "--clickhouse",
        envvar="CLICKSTREAM_CLICKHOUSE",
        help="chdb:///path (embedded), clickhouse://user:pass@host:9000/db or http://...:8123/db.",
    ),
]
DataDirOption = Annotated[
    Path | None,
    typer.Option("--data-dir", envvar="CLICKSTREAM_DATA_DIR", help="Data folder (default ./data)."),
]


@app.command()
def migrate(
    config: ConfigOption = None,
    clickhouse: ClickHouseOption = None,
    data_dir: DataDirOption = None,
    retention_days: Annotated[
        int | None,
        typer.Option(
            "--retention-days",
            min=0,
            help="Keep raw events this many days (by event time); 0 keeps everything.",
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            envvar="CLICKSTREAM_CLUSTER",
            help="Create everything ON CLUSTER: Replicated local tables + Distributed tables.",
        ),
    ] = None,
    print_only: Annotated[
        bool,
        typer.Option("--print", help="Print the statements for an empty target; apply nothing."),
    ] = False,
) -> None:
    """Apply the ClickHouse migrations (idempotent)."""
    from clickstream.warehouse import connect
    from schemas.migrations import MigrationError, script, set_retention
    from schemas.migrations import migrate as apply_migrations

    if print_only:
        sys.stdout.write("".join(statement + ";\n\n" for statement in script(cluster=cluster)))
        return
    settings = load_settings(config, clickhouse=clickhouse, data_dir=data_dir)
    warehouse = connect(settings.clickhouse_url)
    try:
        applied = apply_migrations(
            warehouse,
            on_applied=lambda m: console.print(f"applied [bold]{m.name}[/]"),
            cluster=cluster,
        )
        if retention_days is not None:
            set_retention(warehouse, retention_days, cluster)
            console.print(
                f"retention: {retention_days} days"
                if retention_days
                else "retention: keep everything"
            )
    except MigrationError as error:
        console.print(f"[red]migration failed:[/] {error}")
        raise typer.Exit(1) from error
    finally:
        warehouse.close()
    if not applied:
        console.print(f"{settings.clickhouse_url}: schema is up to date")


@app.command()
def schema(
    write: Annotated[
        bool, typer.Option("--write", help="Regenerate schemas/event.schema.json.")
    ] = False,
) -> None:
    """Print the event's JSON Schema (generated from the pydantic models)."""
    from schemas import json_schema

    if write:
        console.print(f"wrote {json_schema.write()}")
    else:
        sys.stdout.buffer.write(json_schema.render())


@app.command()
def serve(
    config: ConfigOption = None,
    data_dir: DataDirOption = None,
    clickhouse: ClickHouseOption = None,
    kafka: Annotated[
        str | None,
        typer.Option(
            "--kafka",
            envvar="CLICKSTREAM_KAFKA",
            help="Kafka bootstrap servers; unset: the embedded mode (spool + chDB, one process).",
        ),
    ] = None,
    write_keys: Annotated[
        str | None,
        typer.Option("--write-keys", envvar="CLICKSTREAM_WRITE_KEYS", help="site:key,site:key"),
    ] = None,
    allowed_origins: Annotated[
        str | None,
        typer.Option(
            "--allowed-origins",
            envvar="CLICKSTREAM_ALLOWED_ORIGINS",
            help="Per-site CORS allow-list: 'site=https://a https://b;site2=*'.",
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="uvicorn worker processes.")] = 1,
    sql_host: Annotated[
        str,
        typer.Option(envvar="CLICKSTREAM_SQL_HOST", help="Embedded mode: SQL endpoint address."),
    ] = "127.0.0.1",
    sql_port: Annotated[
        int,
        typer.Option(
            envvar="CLICKSTREAM_SQL_PORT",
            min=0,
            help="Embedded mode: read-only SQL endpoint (ClickHouse HTTP interface); 0: none.",
        ),
    ] = 8123,
    sql_public: Annotated[
        bool,
        typer.Option(help="Allow the SQL endpoint on a non-loopback address."),
    ] = False,
    demo: Annotated[
        bool,
        typer.Option(help="Embedded mode: seed demo data on the first start (what make run does)."),
    ] = False,
) -> None:
    """Run the collector: events -> Kafka (spooled to local disk while Kafka is away), or, without
    Kafka, the embedded mode: collector, spool, loader, chDB and a read-only SQL endpoint."""
    import os

    import uvicorn

    settings = load_settings(
        config, data_dir=data_dir, clickhouse=clickhouse, kafka=kafka, write_keys=write_keys
    )
    # Worker processes read their settings from the environment (ingest.main.app_from_env).
    os.environ.update(
        CLICKSTREAM_DATA_DIR=str(settings.data_dir),
        CLICKSTREAM_KAFKA=settings.kafka,
        CLICKSTREAM_WRITE_KEYS=settings.write_keys,
    )
    if allowed_origins is not None:
        os.environ["CLICKSTREAM_ALLOWED_ORIGINS"] = allowed_origins
    if not settings.kafka:
        if workers > 1:
            console.print(
                "[red]--workers must be 1 in the embedded mode[/]: chDB lets one process open "
                "its data. To scale out, run with Kafka (--kafka) and stream workers."
            )
            raise typer.Exit(2)
        _serve_embedded(settings, host, port, sql_host, sql_port, sql_public, demo)
        return
    uvicorn.run(
        "ingest.main:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


def _serve_embedded(
    settings: Settings,
    host: str,
    port: int,
    sql_host: str,
    sql_port: int,
    sql_public: bool,
    demo: bool,
) -> None:
    from clickstream import announce, embedded

    def after_start(endpoints: embedded.Endpoints) -> None:
        if demo:
            announce.seed_demo(settings, endpoints, console)
        announce.banner(settings, endpoints, console)

    console.print(f"embedded mode: ClickHouse (chDB) at {settings.clickhouse_url}")
    try:
        embedded.serve(
            settings,
            embedded.Endpoints(host, port, sql_host, sql_port, sql_public),
            on_started=after_start,
            on_applied=lambda m: console.print(f"applied [bold]{m.name}[/]"),
        )
    except embedded.EmbeddedError as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(2) from error


KafkaOption = Annotated[
    str | None,
    typer.Option("--kafka", envvar="CLICKSTREAM_KAFKA", help="Kafka bootstrap servers."),
]


def _loader_for(settings: Settings) -> tuple[Warehouse, Loader]:
    from clickstream.warehouse import connect
    from pipeline.loader import Loader
    from schemas.migrations import migrate as apply_migrations

    warehouse = connect(settings.clickhouse_url)
    apply_migrations(warehouse)
    return warehouse, Loader(warehouse, settings.topic, settings.dead_letter_topic)


@app.command()
def worker(
    config: ConfigOption = None,
    clickhouse: ClickHouseOption = None,
    data_dir: DataDirOption = None,
    kafka: KafkaOption = None,
    group: Annotated[str, typer.Option(help="Kafka consumer group.")] = "clickstream-loader",
    batch_rows: Annotated[int, typer.Option(min=1, help="Events per insert (at most).")] = 50_000,
    batch_seconds: Annotated[float, typer.Option(help="Longest wait before an insert.")] = 1.0,
    metrics_port: Annotated[
        int | None, typer.Option(help="Serve Prometheus metrics on METRICS_HOST:PORT.")
    ] = None,
    metrics_host: Annotated[
        str, typer.Option(help="Address for the metrics (0.0.0.0 in a container).")
    ] = "127.0.0.1",
) -> None:
    """Run a stream worker: Kafka -> ClickHouse, offsets committed after each stored batch."""
    import signal

    from prometheus_client import start_http_server

    from clickstream.kafka_topics import ensure_topics
    from clickstream.warehouse import connect
    from pipeline.funnel_snapshots import SnapshotTimer
    from pipeline.kafka_worker import KafkaWorker, WorkerSettings
    from pipeline.metrics import WorkerMetrics

    settings = load_settings(config, clickhouse=clickhouse, data_dir=data_dir, kafka=kafka)
    if not settings.kafka:
        console.print("[red]--kafka / CLICKSTREAM_KAFKA is required[/]")
        raise typer.Exit(2)
    warehouse, loader = _loader_for(settings)
    ensure_topics(settings.kafka, {settings.topic: 6, settings.dead_letter_topic: 1})
    metrics = WorkerMetrics()
    if metrics_port:
        start_http_server(metrics_port, addr=metrics_host, registry=metrics.registry)
    stream_worker = KafkaWorker(
        WorkerSettings(
            settings.kafka,
            (settings.topic, settings.dead_letter_topic),
            group,
            batch_rows=batch_rows,
            batch_seconds=batch_seconds,
        ),
        loader,
        metrics,
    )
    signal.signal(signal.SIGTERM, lambda *_: stream_worker.stop())
    signal.signal(signal.SIGINT, lambda *_: stream_worker.stop())
    console.print(f"worker: {settings.kafka} -> {warehouse.url} (group {group})")
    # a connection of its own: the loader's is not shared across threads
    snapshot_warehouse = connect(settings.clickhouse_url)
    snapshots = SnapshotTimer(
        snapshot_warehouse, settings.funnel_snapshot_seconds, settings.cluster or None
    )
    snapshots.start()
    try:
        stream_worker.run()
    finally:
        snapshots.stop()
        snapshot_warehouse.close()
        warehouse.close()


@app.command("funnel-snapshot")
def funnel_snapshot(
    config: ConfigOption = None,
    clickhouse: ClickHouseOption = None,
    data_dir: DataDirOption = None,
    site: Annotated[
        list[str] | None,
        typer.Option("--site", help="Only this site (repeatable); default: every site behind."),
    ] = None,
    window_seconds: Annotated[
        int, typer.Option(min=1, help="Conversion window the snapshot serves (funnel default).")
    ] = DEFAULT_WINDOW_SECONDS,
    settle_seconds: Annotated[
        float,
        typer.Option(min=0, help="Events loaded this long before now count as in it."),
    ] = SETTLE_SECONDS,
) -> None:
    """Take the funnel snapshots now, so the funnel views read one row per person (the worker
    and `serve` do this every FUNNEL_SNAPSHOT_SECONDS)."""
    from rich.table import Table

    from clickstream.warehouse import connect
    from pipeline.funnel_snapshots import refresh

    settings = load_settings(config, clickhouse=clickhouse, data_dir=data_dir)
    warehouse = connect(settings.clickhouse_url)
    try:
        taken = refresh(
            warehouse,
            sites=site,
            window_seconds=window_seconds,
            settle_seconds=settle_seconds,
            cluster=settings.cluster or None,
        )
    finally:
        warehouse.close()
    table = Table("site", "persons", "seconds")
    for snapshot in taken:
        table.add_row(snapshot.site, f"{snapshot.persons:,}", f"{snapshot.seconds:.1f}")
    console.print(table if taken else "every funnel snapshot is up to date")


@app.command()
def replay(
    config: ConfigOption = None,
    clickhouse: ClickHouseOption = None,
    data_dir: DataDirOption = None,
    kafka: KafkaOption = None,
    from_offset: Annotated[int | None, typer.Option(help="Start at this offset.")] = None,
    from_time: Annotated[
        datetime | None, typer.Option(help="Start at the first message at/after this time (UTC).")
    ] = None,
    topic: Annotated[str | None, typer.Option(help="Topic (default: the events topic).")] = None,
) -> None:
    """Replay (backfill) a topic into ClickHouse; replayed events are not counted twice."""
    from rich.progress import Progress

    from pipeline.replay import replay as run_replay

    settings = load_settings(config, clickhouse=clickhouse, data_dir=data_dir, kafka=kafka)
    if not settings.kafka:
        console.print("[red]--kafka / CLICKSTREAM_KAFKA is required[/]")
        raise typer.Exit(2)
    if from_offset is None and from_time is None:
        from_offset = 0
    start = from_time.replace(tzinfo=from_time.tzinfo or UTC) if from_time else None
    warehouse, loader = _loader_for(settings)
    try:
        with Progress(console=console) as progress:
            task = progress.add_task("replaying", total=None)
            result = run_replay(
                settings.kafka,
                topic or settings.topic,
                loader,
                from_offset=from_offset,
                from_time=start,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    finally:
        warehouse.close()
    console.print(
        f"replayed {result.messages} messages: {result.events} events stored, "
        f"{result.dead_letters} dead letters"
    )


@app.command("import")
def import_events(
    files: Annotated[list[Path], typer.Argument(help="CSV or JSON-lines files (.gz too).")],
    url: Annotated[
        str, typer.Option(envvar="CLICKSTREAM_COLLECTOR_URL", help="Collector to send to.")
    ] = "http://127.0.0.1:8000",
    write_key: Annotated[
        str | None, typer.Option(help="Write key of the site (default: --site's key).")
    ] = None,
    site: Annotated[
        str | None, typer.Option(help="Site whose key in CLICKSTREAM_WRITE_KEYS to use.")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv or jsonl (default: from the file name).")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=2000, help="Events per request.")] = 500,
    retries: Annotated[
        int, typer.Option(min=0, help="Retries while the collector is busy or away.")
    ] = 8,
    config: ConfigOption = None,
) -> None:
    """Import historical events (native or Segment) through the collector's validation."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from clickstream.importer import CollectorClient, ImportFailed, import_file

    key = write_key or _write_key_for(load_settings(config), site)
    client = CollectorClient(url, key, retries=retries)
    failed = False
    try:
        for path in files:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
            ) as progress:
                task = progress.add_task(path.name, total=None)
                result = import_file(
                    path,
                    client,
                    fmt,
                    batch_size,
                    progress=lambda n, task=task: progress.advance(task, n),
                )
            console.print(
                f"{path}: {result.rows} rows, {result.accepted} accepted, "
                f"{len(result.rejected)} rejected",
                soft_wrap=True,
            )
            for rejected in result.rejected[:20]:
                console.print(f"  line {rejected.line}: {rejected.reason}", soft_wrap=True)
            if len(result.rejected) > 20:
                console.print(f"  ... and {len(result.rejected) - 20} more")
            failed = failed or bool(result.rejected)
    except (ImportFailed, ValueError, OSError) as error:
        console.print(f"[red]import failed:[/] {error}")
        raise typer.Exit(2) from error
    finally:
        client.close()
    if failed:
        raise typer.Exit(1)


def _write_key_for(settings: Settings, site: str | None) -> str:
    keys = {s: k for k, s in settings.site_keys().items()}
    if site is not None and site in keys:
        return keys[site]
    if site is None and len(keys) == 1:
        return next(iter(keys.values()))
    console.print(
        "[red]no write key:[/] pass --write-key, or --site with CLICKSTREAM_WRITE_KEYS set"
    )
    raise typer.Exit(2)


site_app = typer.Typer(help="Per-site settings (time zone).", no_args_is_help=True)
app.add_typer(site_app, name="site")


@site_app.command("set")
def site_set(
    site: Annotated[str, typer.Argument(help="Site id (as in CLICKSTREAM_WRITE_KEYS).")],
    time_zone: Annotated[
        str, typer.Option("--time-zone", help="IANA zone the shop's days and periods are in.")
    ] = "UTC",
    currency: Annotated[str, typer.Option(help="ISO 4217 reporting currency.")] = "",
    config: ConfigOption = None,
    clickhouse: ClickHouseOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Set a site's time zone: the views read date_from/date_to and day buckets in it."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from clickstream.warehouse import connect
    from schemas.migrations import migrate as apply_migrations

    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        console.print(f"[red]unknown time zone[/] {time_zone!r}")
        raise typer.Exit(2) from error
    settings = load_settings(config, clickhouse=clickhouse, data_dir=data_dir)
    warehouse = connect(settings.clickhouse_url)
    try:
        apply_migrations(warehouse)
        warehouse.insert(
            "clickstream.sites",
            {"site_id": [site], "time_zone": [time_zone], "currency": [currency.upper()]},
        )
    finally:
        warehouse.close()
    console.print(f"site {site}: time zone {time_zone}")


@site_app.command("list")
def site_list(
    config: ConfigOption = None,
    clickhouse: ClickHouseOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Show the sites' settings."""
    from rich.table import Table

    from clickstream.warehouse import connect
    from schemas.migrations import migrate as apply_migrations

    settings = load_settings(config, clickhouse=clickhouse, data_dir=data_dir)
    warehouse = connect(settings.clickhouse_url)
    try:
        apply_migrations(warehouse)
        result = warehouse.query(
            "SELECT site_id, argMax(time_zone, updated_at), argMax(currency, updated_at) "
            "FROM clickstream.sites GROUP BY site_id ORDER BY site_id"
        )
    finally:
        warehouse.close()
    table = Table("site", "time zone", "currency")
    for row in result.rows:
        table.add_row(*row)
    Console().print(table)


costs_app = typer.Typer(
    help="Campaign costs, for the cost per acquired customer.", no_args_is_help=True
)
app.add_typer(costs_app, name="costs")


@costs_app.command("import")
def costs_import(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="CSV with the header site,date,utm_source,utm_medium,utm_campaign,cost,currency.",
        ),
    ],
    config: ConfigOption = None,
    clickhouse: ClickHouseOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Load daily campaign costs (a day's cost of a campaign imported again replaces it)."""
    from rich.markup import escape

    from clickstream.campaign_costs import CostFileError, read_costs, store_costs
    from clickstream.warehouse import connect
    from schemas.migrations import migrate as apply_migrations

    try:
        rows = read_costs(file.read_bytes())
    except CostFileError as error:
        console.print(f"[red]{escape(f'{file} {error}')}[/]; nothing imported", soft_wrap=True)
        raise typer.Exit(2) from error
    settings = load_settings(config, clickhouse=clickhouse, data_dir=data_dir)
    warehouse = connect(settings.clickhouse_url)
    try:
        apply_migrations(warehouse)
        store_costs(warehouse, rows)
    finally:
        warehouse.close()
    console.print(f"imported {len(rows)} cost rows from {escape(str(file))}", soft_wrap=True)


def _rate(help_text: str) -> Any:
    """A share or rate option of `generate`, between 0 and 1."""
    return typer.Option(min=0, max=1, help=help_text)


@app.command()
def generate(
    url: Annotated[
        str, typer.Option(envvar="CLICKSTREAM_COLLECTOR_URL", help="Collector to send to.")
    ] = "http://127.0.0.1:8000",
    write_key: Annotated[
        str | None,
        typer.Option(help="Write key (default: the first of CLICKSTREAM_WRITE_KEYS)."),
    ] = None,
    visitors: Annotated[int, typer.Option(min=0, help="People to simulate.")] = 2000,
    days: Annotated[int, typer.Option(min=1, help="Length of the period, ending --end.")] = 60,
    end: Annotated[
        datetime | None, typer.Option(help="End of the period (UTC; default: now).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Same seed, same events (same event ids).")] = 1,
    channels: Annotated[
        str,
        typer.Option(help="Channel mix as weights: direct, search, social, email, paid, referral."),
    ] = "direct=30,search=25,social=12,email=8,paid=15,referral=10",
    mobile_share: Annotated[float, _rate("Visitors on mobile phones.")] = 0.55,
    tablet_share: Annotated[float, _rate("Visitors on tablets.")] = 0.08,
    bounce_rate: Annotated[float, _rate("One-page visits.")] = 0.35,
    favorite_rate: Annotated[float, _rate("Product pages ending in a favorite.")] = 0.12,
    cart_rate: Annotated[float, _rate("Product pages ending in a cart addition.")] = 0.15,
    checkout_rate: Annotated[float, _rate("Visits with a cart that start a checkout.")] = 0.55,
    purchase_rate: Annotated[float, _rate("Checkouts that end in an order.")] = 0.6,
    register_early_rate: Annotated[
        float, _rate("Visitors who sign up before any checkout.")
    ] = 0.08,
    repeat_rate: Annotated[float, _rate("Buyers who come back to buy again.")] = 0.4,
    cross_device_rate: Annotated[float, _rate("People who also shop on a second device.")] = 0.2,
    products: Annotated[int, typer.Option(min=1, help="Catalog size.")] = 80,
    currency: Annotated[str, typer.Option(help="Order currency (ISO 4217).")] = "EUR",
    batch_size: Annotated[int, typer.Option(min=1, max=2000, help="Events per request.")] = 500,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight.")] = 4,
) -> None:
    """Send realistic shop traffic to a collector over HTTP (a historical import: the events
    keep their times over the last --days days)."""
    from clickstream.generate import Sender, SendError, TrafficOptions, parse_channel_mix
    from clickstream.generate.progress import generate as run

    key = write_key or next(iter(load_settings().site_keys()), None)
    if not key:
        console.print("[red]--write-key is required[/] (or set CLICKSTREAM_WRITE_KEYS)")
        raise typer.Exit(2)
    try:
        options = TrafficOptions(
            visitors=visitors,
            days=days,
            end=end.replace(tzinfo=end.tzinfo or UTC) if end else None,
            seed=seed,
            channel_mix=parse_channel_mix(channels),
            mobile_share=mobile_share,
            tablet_share=tablet_share,
            bounce_rate=bounce_rate,
            favorite_rate=favorite_rate,
            cart_rate=cart_rate,
            checkout_rate=checkout_rate,
            purchase_rate=purchase_rate,
            register_early_rate=register_early_rate,
            repeat_rate=repeat_rate,
            cross_device_rate=cross_device_rate,
            products=products,
            currency=currency.upper(),
        )
        result = run(
            options, Sender(url, key), console, batch_size=batch_size, concurrency=concurrency
        )
    except (ValueError, SendError) as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(1) from error
    console.print(
        f"sent {result.events:,} events of {result.visitors:,} visitors ({result.orders:,} orders) "
        f"in {result.requests:,} requests, {result.seconds:.1f} s"
    )
    if result.rejected:
        console.print(f"[yellow]{len(result.rejected)} events rejected[/]: {result.rejected[:3]}")
        raise typer.Exit(1)


@app.command()
def report(
    name: Annotated[ReportName, typer.Argument(help="Which report.", show_default=False)],
    site: Annotated[
        str | None,
        typer.Option(
            envvar="CLICKSTREAM_SITE",
            help="Site id (default: the one site of CLICKSTREAM_WRITE_KEYS).",
        ),
    ] = None,
    date_from: Annotated[
        str | None,
        typer.Option(
            "--from", help="Start, YYYY-MM-DD[ HH:MM:SS], site time zone (default: 30 days ago)."
        ),
    ] = None,
    date_to: Annotated[
        str | None,
        typer.Option("--to", help="End, exclusive (default: tomorrow 00:00, site time zone)."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="lifecycle: the moment (default: now, site time zone).")
    ] = None,
    window: Annotated[
        str | None,
        typer.Option(help="funnel, stages, sources: conversion window, e.g. 7d, 12h (7d)."),
    ] = None,
    dormant_days: Annotated[
        int | None, typer.Option(min=1, help="lifecycle: interest older than this is dormant (30).")
    ] = None,
    churn_days: Annotated[
        int | None,
        typer.Option(min=1, help="lifecycle: one-time buyers churn after this many days (180)."),
    ] = None,
    top: Annotated[
        int | None, typer.Option(min=0, help="sources, products: rows per list, 0: all (20).")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            help="funnel: one funnel per "
            + ", ".join(REPORTS["funnel"].choices("by"))
            + " instead of the whole funnel.",
            show_default=False,
        ),
    ] = None,
    grain: Annotated[
        Literal["day", "week", "month"] | None,
        typer.Option(
            help="funnel: periods of the trend and of --by period (day); cohorts: cohort size "
            "(month); sources: channels over time (week)."
        ),
    ] = None,
    compare_to: Annotated[
        Literal["month", "quarter", "year"] | None,
        typer.Option(help="sources: compare with the period a month/quarter/year before (month)."),
    ] = None,
    cohort_by: Annotated[
        Literal["first_visit", "first_order"] | None,
        typer.Option(help="cohorts: cohorts by first visit or first order (first_visit)."),
    ] = None,
    section: Annotated[
        list[str] | None,
        typer.Option(help="Only this section (repeatable; names as in the JSON output)."),
    ] = None,
    output_format: Annotated[
        Literal["table", "csv", "json"],
        typer.Option(
            "--format", help="table (for people), csv or json (raw values: rates as fractions)."
        ),
    ] = "table",
    plot: Annotated[
        Path | None, typer.Option(dir_okay=False, help="Also draw the report into this PNG.")
    ] = None,
    config: ConfigOption = None,
    clickhouse: ClickHouseOption = None,
    data_dir: DataDirOption = None,
    sql_user: Annotated[
        str | None,
        typer.Option(envvar="CLICKSTREAM_SQL_USER", help="SQL endpoint user (running service)."),
    ] = None,
    sql_password: Annotated[
        str | None,
        typer.Option(
            envvar="CLICKSTREAM_SQL_PASSWORD",
            help="SQL endpoint password (default: <data dir>/sql-password).",
        ),
    ] = None,
) -> None:
    """Show a report: funnel, customer stages, lifecycle, value pyramid, acquisition sources,
    cohorts or products, read from the views in queries/ (see docs/reports.md)."""
    from clickstream.reports.command import ReportOptions, show_report

    settings = load_settings(
        config,
        clickhouse=clickhouse,
        data_dir=data_dir,
        sql_user=sql_user,
        sql_password=sql_password,
    )
    options = ReportOptions(
        date_from=date_from,
        date_to=date_to,
        as_of=as_of,
        window=window,
        dormant_days=dormant_days,
        churn_days=churn_days,
        top=top,
        by=by,
        grain=grain,
        compare_to=compare_to,
        cohort_by=cohort_by,
    )
    show_report(
        settings,
        name,
        site or _only_site(settings),
        options,
        tuple(section or ()),
        output_format,
        plot,
        console,
    )


def _only_site(settings: Settings) -> str:
    sites = sorted(set(settings.site_keys().values()))
    if len(sites) == 1:
        return sites[0]
    raise typer.BadParameter(
        "which site? (CLICKSTREAM_WRITE_KEYS names " + (", ".join(sites) or "none") + ")",
        param_hint="--site",
    )


def main() -> None:
    app()
