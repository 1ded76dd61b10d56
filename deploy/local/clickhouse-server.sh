#!/usr/bin/env bash
# Debian's clickhouse-server (18.16, from 2018) on loopback with its own config and data folder.
# It is far too old for the product's schema (no DateTime64, no Map); it is here only as a real
# server for testing the clickhouse-driver native transport: connect, insert, reconnect after a
# restart. The schema and views are tested on chDB (a current ClickHouse engine).
#
#   deploy/local/clickhouse-server.sh install                    apt-get install clickhouse-server
#   deploy/local/clickhouse-server.sh start [TCP] [HTTP] [DIR]   start; waits until it answers
#   deploy/local/clickhouse-server.sh stop [DIR]
#   deploy/local/clickhouse-server.sh status [DIR]
#
# TCP defaults to $CLICKHOUSE_TCP_PORT or 9000, HTTP to $CLICKHOUSE_HTTP_PORT or 8124 (8123 is the
# embedded SQL endpoint's), DIR to .runtime/clickhouse-server under the repository.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
server_bin=/usr/sbin/clickhouse-server

install() {
    if [ -x "$server_bin" ]; then return 0; fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq clickhouse-server clickhouse-client >/dev/null
}

is_running() {
    local pidfile="$1/clickhouse.pid"
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

write_config() {
    local dir="$1" tcp="$2" http="$3"
    cat > "$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>$dir/logs/server.log</log>
        <errorlog>$dir/logs/error.log</errorlog>
        <size>10M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>$tcp</tcp_port>
    <http_port>$http</http_port>
    <max_connections>100</max_connections>
    <max_concurrent_queries>50</max_concurrent_queries>
    <uncompressed_cache_size>67108864</uncompressed_cache_size>
    <mark_cache_size>67108864</mark_cache_size>
    <path>$dir/data/</path>
    <tmp_path>$dir/data/tmp/</tmp_path>
    <user_files_path>$dir/data/user_files/</user_files_path>
    <format_schema_path>$dir/data/format_schemas/</format_schema_path>
    <users_config>$dir/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
</yandex>
XML
    cat > "$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default><max_memory_usage>2000000000</max_memory_usage></default>
        <readonly><readonly>1</readonly></readonly>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
        <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
        </interval></default>
    </quotas>
</yandex>
XML
}

start() {
    local tcp="${1:-${CLICKHOUSE_TCP_PORT:-9000}}"
    local http="${2:-${CLICKHOUSE_HTTP_PORT:-8124}}"
    local dir="${3:-${CLICKHOUSE_DIR:-$repo/.runtime/clickhouse-server}}"
    [ -x "$server_bin" ] || { echo "clickhouse-server.sh: not installed; run '$0 install'" >&2; exit 1; }
    mkdir -p "$dir/data" "$dir/logs"
    if is_running "$dir"; then echo "clickhouse-server already running in $dir"; return 0; fi
    write_config "$dir" "$tcp" "$http"
    # Started directly (not in a subshell) so that $! is the server and no shell holds our stdout.
    cd "$dir"
    nohup "$server_bin" --config-file="$dir/config.xml" > "$dir/logs/stdout.log" 2>&1 < /dev/null &
    echo $! > "$dir/clickhouse.pid"
    cd - > /dev/null
    local deadline=$((SECONDS + 60))
    # /ping on the HTTP port answers "Ok." once the server accepts queries.
    until [ "$(curl -s --max-time 1 "http://127.0.0.1:$http/ping" 2>/dev/null)" = "Ok." ]; do
        if ! is_running "$dir"; then
            echo "clickhouse-server.sh: server exited during start; see $dir/logs" >&2
            tail -20 "$dir/logs/error.log" "$dir/logs/stdout.log" >&2 2>/dev/null || true
            exit 1
        fi
        if [ $SECONDS -ge $deadline ]; then echo "clickhouse-server.sh: not up in time" >&2; exit 1; fi
        sleep 0.2
    done
    echo "clickhouse-server $(curl -s "http://127.0.0.1:$http/?query=SELECT%20version()") up on 127.0.0.1:$tcp (native), :$http (HTTP)"
}

stop() {
    local dir="${1:-${CLICKHOUSE_DIR:-$repo/.runtime/clickhouse-server}}"
    is_running "$dir" || { rm -f "$dir/clickhouse.pid"; return 0; }
    local pid; pid="$(cat "$dir/clickhouse.pid")"
    kill "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/clickhouse.pid"
}

status() {
    local dir="${1:-${CLICKHOUSE_DIR:-$repo/.runtime/clickhouse-server}}"
    if is_running "$dir"; then echo "running (pid $(cat "$dir/clickhouse.pid"))"; else echo "stopped"; exit 3; fi
}

cmd="${1:-}"; shift || true
case "$cmd" in
    install) install ;;
    start) start "$@" ;;
    stop) stop "$@" ;;
    status) status "$@" ;;
    *) echo "usage: $0 install|start [TCP] [HTTP] [DIR]|stop [DIR]|status [DIR]" >&2; exit 2 ;;
esac
