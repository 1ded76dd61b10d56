"""The `clickstream` command. Each subcommand's options also read CLICKSTREAM_* variables."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from clickstream.config import load_settings

app = typer.Typer(
    name="clickstream",
    help="Clickstream funnel analytics for online shops.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", envvar="CLICKSTREAM_CONFIG", help="TOML settings file."),
]
ClickHouseOption = Annotated[
    str | None,
    typer.Option(
        "--clickhouse",
        envvar="CLICKSTREAM_CLICKHOUSE",
        help="chdb:///path (embedded) or clickhouse://user:pass@host:9000/db.",
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
) -> None:
    """Apply the ClickHouse migrations (idempotent)."""
    from clickstream.warehouse import connect
    from schemas.migrations import MigrationError, set_retention
    from schemas.migrations import migrate as apply_migrations

    settings = load_settings(config, clickhouse=clickhouse, data_dir=data_dir)
    warehouse = connect(settings.clickhouse_url)
    try:
        applied = apply_migrations(
            warehouse, on_applied=lambda m: console.print(f"applied [bold]{m.name}[/]")
        )
        if retention_days is not None:
            set_retention(warehouse, retention_days)
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
    kafka: Annotated[
        str | None,
        typer.Option("--kafka", envvar="CLICKSTREAM_KAFKA", help="Kafka bootstrap servers."),
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
) -> None:
    """Run the collector (events -> Kafka, spooled to local disk while Kafka is away)."""
    import os

    import uvicorn

    settings = load_settings(config, data_dir=data_dir, kafka=kafka, write_keys=write_keys)
    # Worker processes read their settings from the environment (ingest.main.app_from_env).
    os.environ.update(
        CLICKSTREAM_DATA_DIR=str(settings.data_dir),
        CLICKSTREAM_KAFKA=settings.kafka,
        CLICKSTREAM_WRITE_KEYS=settings.write_keys,
    )
    if allowed_origins is not None:
        os.environ["CLICKSTREAM_ALLOWED_ORIGINS"] = allowed_origins
    if not settings.kafka:
        console.print(
            "[red]CLICKSTREAM_KAFKA / --kafka is required[/]: the embedded mode is not built yet"
        )
        raise typer.Exit(2)
    uvicorn.run(
        "ingest.main:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


def main() -> None:
    app()
