"""What `clickstream serve` says once the embedded mode is up: where to look, how to query, and
(with --demo, on the first start) a seeded demo dataset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console

from clickstream.config import Settings
from clickstream.embedded import Endpoints

DEMO_SITE = "demo"
DEMO_VISITORS = 2000
DEMO_DAYS = 60
SEEDED_MARK = ".demo-seeded"
REPORTS = "funnel|stages|lifecycle|pyramid|sources|cohorts|products"


def _local(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def seed_demo(settings: Settings, endpoints: Endpoints, console: Console) -> None:
    """On the first start: ~2,000 visitors over 60 days for the demo site, through the
    collector like any sender (`clickstream generate`). Same seed each time, so a seeding cut
    short and run again counts each event once."""
    from clickstream.generate import Sender, TrafficOptions
    from clickstream.generate.progress import generate

    mark = Path(settings.data_dir) / SEEDED_MARK
    if mark.exists():
        return
    key = next((k for k, site in settings.site_keys().items() if site == DEMO_SITE), None)
    if key is None:
        console.print(f"[yellow]no write key for site {DEMO_SITE!r}: demo data not seeded[/]")
        return
    console.print(
        f"First start: seeding the demo shop with {DEMO_VISITORS:,} visitors over the last "
        f"{DEMO_DAYS} days (clickstream generate --visitors {DEMO_VISITORS} --days {DEMO_DAYS})"
    )
    url = f"http://{_local(endpoints.host)}:{endpoints.port}"
    result = generate(
        TrafficOptions(visitors=DEMO_VISITORS, days=DEMO_DAYS, seed=1),
        Sender(url, key),
        console,
    )
    mark.write_text(f"{result.events} events, {result.orders} orders\n")
    console.print(
        f"Seeded {result.events:,} events ({result.orders:,} orders) in {result.seconds:.1f} s."
    )


def banner(settings: Settings, endpoints: Endpoints, console: Console) -> None:
    from clickstream.sql_endpoint import credentials_for

    def say(text: str) -> None:
        console.print(text, soft_wrap=True)

    collector = f"http://{_local(endpoints.host)}:{endpoints.port}"
    sites = settings.site_keys()
    say(
        f"\n[bold]clickstream is running[/] (embedded: chDB in-process, data in "
        f"{settings.data_dir}/)"
    )
    say(f"  collector     {collector}")
    for key, site in sites.items():
        say(f"                write key [bold]{key}[/] for site [bold]{site}[/]")
    if not sites:
        say("                [yellow]no write keys[/]: CLICKSTREAM_WRITE_KEYS=site:key")
    say(f"  demo shop     {collector}/demo/")
    if endpoints.sql_port:
        credentials = credentials_for(settings.data_dir, settings.sql_user, settings.sql_password)
        user, password = credentials.user, credentials.password
        sql = f"http://{_local(endpoints.sql_host)}:{endpoints.sql_port}"
        now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        period = (
            f"date_from = '{(now - timedelta(days=DEMO_DAYS)):%Y-%m-%d %H:%M:%S}', "
            f"date_to = '{(now + timedelta(days=1)):%Y-%m-%d %H:%M:%S}'"
        )
        site = next(iter(sites.values()), DEMO_SITE)
        say(
            f"  SQL (read-only, ClickHouse HTTP interface)  {sql}  "
            f"user [bold]{user}[/] password [bold]{password}[/]"
        )
        say(
            f"    curl -u {user}:{password} {sql} --data-binary "
            "'SELECT type, count() FROM clickstream.events FINAL GROUP BY type'"
        )
        say(
            f'    curl -u {user}:{password} {sql} --data-binary "SELECT * FROM '
            f"clickstream.funnel(site = '{site}', {period}, window_seconds = 604800) "
            'FORMAT PrettyCompact"'
        )
        say(
            f"    python: clickhouse_connect.get_client(host='{_local(endpoints.sql_host)}', "
            f"port={endpoints.sql_port}, username='{user}', password='{password}')"
            ".query('SELECT ...').result_rows"
        )
    say(f"  reports       clickstream report {REPORTS} --site {DEMO_SITE}")
    say("Ctrl-C stops it (the loader stores what it holds first).\n")
