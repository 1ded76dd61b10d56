#!/usr/bin/env bash
# A real single-node Apache Kafka 4.x broker (KRaft, broker+controller in one JVM) on loopback,
# run from the jars on Maven Central. No tarball, no Docker.
#
#   deploy/local/kafka.sh fetch                 copy the broker jars into deploy/local/kafka/lib
#   deploy/local/kafka.sh start [PORT] [DIR]    format (once) and start; waits until it answers
#   deploy/local/kafka.sh stop [DIR]            stop the broker started in DIR
#   deploy/local/kafka.sh status [DIR]
#
# PORT defaults to $KAFKA_PORT or 9092; the controller listens on PORT+1 unless
# $KAFKA_CONTROLLER_PORT says otherwise. DIR (config, data, logs, pid) defaults to
# .runtime/kafka under the repository. Both are ignored by git.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
lib="$here/kafka/lib"

fetch() {
    if [ -f "$lib/.complete" ]; then return 0; fi
    command -v mvn >/dev/null || { echo "kafka.sh: maven (mvn) is needed to fetch the broker jars" >&2; exit 1; }
    rm -rf "$lib"
    mvn -q -B -f "$here/kafka/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$lib"
    touch "$lib/.complete"
}

is_running() {
    local pidfile="$1/kafka.pid"
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

write_config() {
    local dir="$1" port="$2" cport="$3"
    cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
    cat > "$dir/log4j2.properties" <<PROPS
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $dir/logs/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = WARN
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
PROPS
}

start() {
    local port="${1:-${KAFKA_PORT:-9092}}"
    local dir="${2:-${KAFKA_DIR:-$repo/.runtime/kafka}}"
    local cport="${KAFKA_CONTROLLER_PORT:-$((port + 1))}"
    fetch
    mkdir -p "$dir/data" "$dir/logs"
    if is_running "$dir"; then echo "kafka already running in $dir"; return 0; fi
    write_config "$dir" "$port" "$cport"
    local java_cmd=(java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true
        "-Dlog4j2.configurationFile=$dir/log4j2.properties" "-Dkafka.logs.dir=$dir/logs"
        -cp "$lib/*")
    if [ ! -f "$dir/data/meta.properties" ]; then
        # A cluster id is 16 random bytes, URL-safe base64 without padding (22 characters); it
        # may start with "-", hence --cluster-id=... rather than -t ...
        local cluster_id
        cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
        if ! "${java_cmd[@]}" kafka.tools.StorageTool format --standalone --ignore-formatted \
            --cluster-id="$cluster_id" -c "$dir/server.properties" > "$dir/logs/format.log" 2>&1; then
            echo "kafka.sh: formatting the log dir failed:" >&2
            tail -20 "$dir/logs/format.log" >&2
            exit 1
        fi
    fi
    nohup "${java_cmd[@]}" kafka.Kafka "$dir/server.properties" \
        > "$dir/logs/stdout.log" 2>&1 < /dev/null &
    echo $! > "$dir/kafka.pid"
    local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-90}))
    until port_open "$port"; do
        if ! is_running "$dir"; then
            echo "kafka.sh: broker exited during start; see $dir/logs" >&2
            tail -20 "$dir/logs/stdout.log" "$dir/logs/server.log" >&2 2>/dev/null || true
            exit 1
        fi
        if [ $SECONDS -ge $deadline ]; then echo "kafka.sh: broker not up in time" >&2; exit 1; fi
        sleep 0.2
    done
    echo "kafka broker up on 127.0.0.1:$port (data in $dir)"
}

stop() {
    local dir="${1:-${KAFKA_DIR:-$repo/.runtime/kafka}}"
    is_running "$dir" || { rm -f "$dir/kafka.pid"; return 0; }
    local pid; pid="$(cat "$dir/kafka.pid")"
    kill "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/kafka.pid"
}

status() {
    local dir="${1:-${KAFKA_DIR:-$repo/.runtime/kafka}}"
    if is_running "$dir"; then echo "running (pid $(cat "$dir/kafka.pid"))"; else echo "stopped"; exit 3; fi
}

cmd="${1:-}"; shift || true
case "$cmd" in
    fetch) fetch ;;
    start) start "$@" ;;
    stop) stop "$@" ;;
    status) status "$@" ;;
    *) echo "usage: $0 fetch|start [PORT] [DIR]|stop [DIR]|status [DIR]" >&2; exit 2 ;;
esac
