#!/usr/bin/env bash
# Benchmarks the chat service on this machine, on loopback only, and writes the results to
# bench/results/ (see "Benchmarks" in the README):
#
#   1. with a fake provider that answers at once: throughput and latency (server-side, from the
#      service's own http_server_requests histogram, and client-side) of GET
#      /actuator/health/liveness, POST /widget/authenticate and POST /ask (JSON), at each
#      concurrency of BENCH_CONCURRENCY, in the same run of one instance;
#   2. with a fake provider that streams each answer in 5 s (50 chunks, 100 ms apart): how many
#      concurrent streaming chats (POST /ask, Accept: text/event-stream) one instance holds with no
#      errors, and its memory, level after level, stopping at the first level with errors. This runs
#      twice: on the first instance, with every setting at its default, BENCH_DEFAULT_LEVELS streams
#      each opened over BENCH_DEFAULT_RAMP_SECONDS; then on a fresh instance with the model-call
#      admission raised (BENCH_RAISED_LLM_CONCURRENCY) and BENCH_RAISED_JAVA_OPTS, BENCH_LEVELS
#      streams opened over BENCH_RAMP_SECONDS.
#
# It builds the jar, starts PostgreSQL and Redis (scripts/services.sh), uses a fresh database
# yuno_bench, and stops everything it started when it ends. About 5 minutes plus the build (7 minutes in all
# on a busy 2-core machine).
#
# Beside Yuno, on the same fake, PostgreSQL and Redis, the seed's own design runs as the reference
# (../shared/peers/seed_flask: Flask + gunicorn with 4 sync workers; its Debian packages are
# installed when missing), measured by the same load generator in the same run, one after the other;
# chat-throughput.md ends with the ratios Yuno / seed.
#
# Settings (environment): BENCH_CONCURRENCY (16,64), BENCH_RUN_SECONDS (15 per endpoint and
# concurrency), BENCH_RUN_REQUESTS (30000), BENCH_WARMUP_SECONDS (15 per endpoint; 60 with
# BENCH_CONCURRENCY=none, where the stream ramp follows the warm-up directly; an endpoint's warm-up
# goes on 5 s at a time while the service's JIT compiler threads take more than
# BENCH_WARMUP_JIT_SHARE (0.05) of its CPU, up to BENCH_WARMUP_MAX_SECONDS (180) in all),
# BENCH_DEFAULT_LEVELS (100,1000), BENCH_DEFAULT_RAMP_SECONDS (10), BENCH_LEVELS (2000,5000),
# BENCH_RAMP_SECONDS (20), BENCH_RAISED_JAVA_OPTS (-Xmx1g: the heap a 1.5 GiB container would give),
# BENCH_RAISED_LLM_CONCURRENCY (10000), BENCH_SKIP_BUILD=1, BENCH_JAVA_OPTS (service JVM options),
# BENCH_OUT (bench/results), BENCH_DATABASE (yuno_bench), BENCH_ORIGIN (false: requests carry no
# Origin header; true: they carry one, as browsers' do), BENCH_ORIGIN_PROBE (3: Origin requests sent
# at the end of the first instance's run to check that the CORS lookup returns its connection),
# BENCH_PORT (18480: the first port tried for the service), BENCH_SEED (true; false leaves the reference out), BENCH_SEED_DIR (../shared/peers/seed_flask),
# BENCH_PROFILE (1: record the first instance with JFR and write chat-profile-ask.txt; it costs a
# few per cent of CPU, so the throughput figures of such a run are not the ones to publish),
# BENCH_LEVELS=none skips the second instance's stream ramp.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java.sh

out="${BENCH_OUT:-bench/results}"
database="${BENCH_DATABASE:-yuno_bench}"
concurrency="${BENCH_CONCURRENCY:-16,64}"
default_levels="${BENCH_DEFAULT_LEVELS:-100,1000}"
levels="${BENCH_LEVELS:-2000,5000}"
raised="${BENCH_RAISED_LLM_CONCURRENCY:-10000}"

log() { printf '[bench-chat] %s\n' "$*" >&2; }

work="$(mktemp -d /tmp/yuno-bench-chat.XXXXXX)"
started=()
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "${started[@]}"; do stop_pid "$pid"; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$out"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
date_utc="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

if [ "${BENCH_SKIP_BUILD:-}" != 1 ]; then
  log "building the jar"
  ./mvnw -q -B -ntp -DskipTests package >&2
fi
[ -f target/yuno.jar ] || { log "target/yuno.jar is missing"; exit 1; }

eval "$(scripts/services.sh)"
pg_port="${YUNO_PG_PORT:-5432}"
log "fresh database $database"
# FORCE cannot end a backend of another role (an autovacuum worker busy with the last run's
# tables): then wait and try again rather than fail the run.
for attempt in 1 2 3 4 5; do
  if PGPASSWORD="$DATABASE_PASSWORD" psql -q -h 127.0.0.1 -p "$pg_port" -U "$DATABASE_USERNAME" -d postgres \
    -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >&2; then
    break
  fi
  [ "$attempt" = 5 ] && exit 1
  sleep 3
done
PGPASSWORD="$DATABASE_PASSWORD" psql -q -h 127.0.0.1 -p "$pg_port" -U "$DATABASE_USERNAME" -d postgres \
  -c "CREATE DATABASE $database" >&2

log "compiling the load generator and fake provider (bench/*.java)"
javac -d "$work/classes" bench/*.java

java -Xmx512m -Dsun.net.httpserver.nodelay=true -cp "$work/classes" ChatBench fake --port-file "$work/fake.port" 2>"$work/fake.log" &
fake_pid=$!
started+=("$fake_pid")
for _ in $(seq 1 120); do [ -s "$work/fake.port" ] && break; sleep 0.25; done
[ -s "$work/fake.port" ] || { log "the fake provider did not start"; cat "$work/fake.log" >&2; exit 1; }
fake_port="$(cat "$work/fake.port")"

tcp_open() { (exec 4<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port="${BENCH_PORT:-18480}"
while tcp_open "$port"; do port=$((port + 1)); done

# The reference: the seed's own design (Flask + gunicorn, 4 sync workers), rebuilt in
# ../shared/peers/seed_flask/, against the same fake, PostgreSQL and Redis, measured by the same
# load generator in the same run (BENCH_SEED=false leaves it out).
seed_dir="${BENCH_SEED_DIR:-../shared/peers/seed_flask}"
seed_args=()
if [ "${BENCH_SEED:-true}" = true ]; then
  [ -f "$seed_dir/app.py" ] || { log "no seed reference at $seed_dir (BENCH_SEED=false to run without it)"; exit 1; }
  seed_packages=(python3-flask gunicorn python3-jwt python3-redis python3-psycopg2 python3-requests)
  if ! dpkg -s "${seed_packages[@]}" >/dev/null 2>&1; then
    log "installing the seed reference's Debian packages: ${seed_packages[*]}"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${seed_packages[@]}" >&2 \
      || { $sudo apt-get update -q >&2 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${seed_packages[@]}" >&2; }
  fi
  seed_database="${database}_seed"
  PGPASSWORD="$DATABASE_PASSWORD" psql -q -h 127.0.0.1 -p "$pg_port" -U "$DATABASE_USERNAME" -d postgres \
    -c "DROP DATABASE IF EXISTS $seed_database WITH (FORCE)" -c "CREATE DATABASE $seed_database" >&2
  seed_env=(
    SEED_DB="dbname=$seed_database user=$DATABASE_USERNAME password=$DATABASE_PASSWORD host=127.0.0.1 port=$pg_port"
    OPENAI_BASE_URL="http://127.0.0.1:${fake_port}/v1"
    REDIS_URL="$(printf '%s' "$REDIS_URL" | sed -E 's#^(rediss?://[^/]*).*#\1/1#')"
    JWT_SECRET="$(head -c 36 /dev/urandom | base64 | tr -d '\n')"
    PEER_LIMIT_SCALE=100000
  )
  seed_site="$(cd "$seed_dir" && env "${seed_env[@]}" /usr/bin/python3 app.py)"
  seed_port=$((port + 100))
  while tcp_open "$seed_port"; do seed_port=$((seed_port + 1)); done
  env "${seed_env[@]}" /usr/bin/gunicorn --chdir "$seed_dir" app:app --workers 4 \
    --bind "127.0.0.1:$seed_port" --log-level warning >"$work/seed.log" 2>&1 &
  seed_pid=$!
  started+=("$seed_pid")
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$seed_port/health" >/dev/null 2>&1 && break
    sleep 0.25
  done
  curl -fsS "http://127.0.0.1:$seed_port/health" >/dev/null || { log "the seed reference did not start"; cat "$work/seed.log" >&2; exit 1; }
  log "seed reference on 127.0.0.1:$seed_port (gunicorn pid $seed_pid, site $seed_site)"
  seed_args=(--seed-base "http://127.0.0.1:$seed_port" --seed-pid "$seed_pid" --seed-site "$seed_site")
fi

jwt_secret="$(head -c 36 /dev/urandom | base64 | tr -d '\n')"
operator_key="bench-operator-$(head -c 18 /dev/urandom | base64 | tr -d '\n/+=')"
big=1000000000

# start_service NAME [extra env assignments...]: starts an instance in the background and waits
# until it is ready; sets service_pid.
start_service() {
  local name=$1
  shift
  env -u MIXPANEL_TOKEN -u SENTRY_DSN -u SPRING_PROFILES_ACTIVE \
    DATABASE_URL="jdbc:postgresql://127.0.0.1:${pg_port}/${database}" \
    REDIS_URL="$REDIS_URL" \
    JWT_SECRET="$jwt_secret" \
    YUNO_ADMIN_API_KEY="$operator_key" \
    OPENAI_API_KEY=bench \
    OPENAI_BASE_URL="http://127.0.0.1:${fake_port}/v1" \
    PORT="$port" \
    YUNO_SPOOL_DIR="$work/spool-$name" \
    YUNO_SHUTDOWN_GRACE=5s \
    YUNO_PLANS_LIMITS_ENTERPRISE_MINUTE=$big YUNO_PLANS_LIMITS_ENTERPRISE_HOUR=$big \
    YUNO_PLANS_LIMITS_ENTERPRISE_DAY=$big YUNO_PLANS_LIMITS_ENTERPRISE_MONTH=$big \
    YUNO_PLANS_SESSION_MINUTE=$big YUNO_PLANS_SESSION_DAY=$big \
    YUNO_WIDGET_AUTHENTICATIONSPERIPPERMINUTE=$big \
    YUNO_RATELIMIT_REDISTIMEOUT=2s \
    "$@" \
    java ${BENCH_JAVA_OPTS:-} -jar target/yuno.jar \
    --management.metrics.distribution.percentiles-histogram.http.server.requests=true \
    --management.metrics.distribution.minimum-expected-value.http.server.requests=100us \
    >"$work/service-$name.log" 2>&1 &
  service_pid=$!
  started+=("$service_pid")
  log "service ($name) starting on 127.0.0.1:$port, pid $service_pid"
  for _ in $(seq 1 360); do
    if ! kill -0 "$service_pid" 2>/dev/null; then
      log "the service exited during start-up:"
      tail -50 "$work/service-$name.log" >&2
      exit 1
    fi
    if curl -fsS "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  log "the service was not ready after 180 s"
  tail -50 "$work/service-$name.log" >&2
  exit 1
}

# load NAME ARGS...: runs the load generator against the running instance.
load() {
  local name=$1
  shift
  java -cp "$work/classes" ChatBench run \
    --base "http://127.0.0.1:$port" --fake "http://127.0.0.1:$fake_port" --key "$operator_key" \
    --pid "$service_pid" --fake-pid "$fake_pid" --clk-tck "$(getconf CLK_TCK)" --out "$out" \
    --pg-port "$pg_port" --pg-user "$DATABASE_USERNAME" --pg-password "$DATABASE_PASSWORD" \
    --pg-database "$database" --origin "${BENCH_ORIGIN:-false}" --label "$name" \
    --warmup-max-seconds "${BENCH_WARMUP_MAX_SECONDS:-180}" --warmup-jit-share "${BENCH_WARMUP_JIT_SHARE:-0.05}" "$@"
}

# log_counts NAME: what the service logged about degraded work, counted.
log_counts() {
  local name=$1 file="$work/service-$1.log"
  {
    echo "## $name instance: log lines"
    for pattern in "Chat model busy" "Retrieval unavailable" "Retrieval busy" "Searching by full text alone" \
      "Classification of a turn failed" "spool" "Connection is not available" " ERROR " " WARN "; do
      printf '%6d  %s\n' "$(grep -c -- "$pattern" "$file" || true)" "$pattern"
    done
    echo "first ERROR lines:"
    grep -- " ERROR " "$file" | head -5 | cut -c1-400 || true
    # The spool's lines say when after-answer writes went to disk instead of PostgreSQL, and back.
    echo "first WARN and spool lines:"
    grep -E -- " WARN |[Ss]pool" "$file" | head -8 | cut -c1-400 || true
  } >>"$out/chat-log-counts.txt"
}

stop_service() {
  stop_pid "$service_pid"
}

: >"$out/chat-log-counts.txt"
rm -f "$out"/chat-streams-*.md "$out"/chat-streams-*-timeline.txt "$out"/chat-streams-*-metrics.txt

# 1 and 2a: one instance with the default model-call concurrency (BENCH_PROFILE=1: under JFR, and
# the /ask run at the highest concurrency summarised in chat-profile-ask.txt).
profile_opts=""
if [ "${BENCH_PROFILE:-}" = 1 ]; then
  # Stacks deeper than JFR's default 64 frames: a request's stack through Tomcat, Spring Security
  # and the pipeline is longer, and cut stacks cannot be attributed to the code that made them.
  profile_opts="-XX:FlightRecorderOptions=stackdepth=512 -XX:StartFlightRecording=settings=profile,filename=$work/default.jfr,dumponexit=true"
fi
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-} $profile_opts" start_service default
# A ramp right after 15 s of warm-up measures a partly compiled service: first-token tails of 1-7 s
# on 2 vCPUs, steady after 60 s (bench/results/chat-streams-evening.md). With throughput runs first,
# those warm it up.
default_warmup=15
if [ "$concurrency" = none ]; then
  default_warmup=60
fi
load default --concurrency "$concurrency" --levels "$default_levels" "${seed_args[@]}" \
  --ramp-seconds "${BENCH_DEFAULT_RAMP_SECONDS:-10}" \
  --warmup-seconds "${BENCH_WARMUP_SECONDS:-$default_warmup}" --run-seconds "${BENCH_RUN_SECONDS:-15}" \
  --run-requests "${BENCH_RUN_REQUESTS:-30000}" --origin-probe "${BENCH_ORIGIN_PROBE:-3}"
stop_service
log_counts default
if [ -n "$profile_opts" ] && [ -s "$work/default.jfr" ]; then
  last_ask="$(grep '^POST /ask (JSON)@' "$out/chat-phases.tsv" | tail -1)"
  {
    echo "# Where the service's CPU went during the run '$(cut -f1 <<<"$last_ask")' of $date_utc (scripts/bench-chat.sh"
    echo "# with BENCH_PROFILE=1: JFR 'profile' settings, jdk.ExecutionSample of Java threads; bench/JfrSummary.java)."
    java bench/JfrSummary.java "$work/default.jfr" "$(cut -f2 <<<"$last_ask")" "$(cut -f3 <<<"$last_ask")"
  } >"$out/chat-profile-ask.txt"
  log "profile of /ask: $out/chat-profile-ask.txt"
fi

# 2b: a fresh instance with the model-call concurrency raised, ramping up (BENCH_LEVELS=none skips it).
if [ "$levels" != none ]; then
  BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-} ${BENCH_RAISED_JAVA_OPTS:--Xmx1g}" start_service raised YUNO_LLM_MAXCONCURRENCY="$raised"
  load raised --concurrency none --levels "$levels" --warmup-seconds "${BENCH_WARMUP_SECONDS:-15}" \
    --ramp-seconds "${BENCH_RAMP_SECONDS:-20}"
  stop_service
  log_counts raised
fi

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
{
  echo "date: $date_utc"
  echo "command: scripts/bench-chat.sh"
  echo "cpus: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "jdk: $(java -version 2>&1 | head -1)"
  echo "service JVM options: ${BENCH_JAVA_OPTS:-(none: JVM defaults)}"
  echo "load average (1, 5, 15 min) before: $load_before, after: $load_after"
  echo "levels: default instance $default_levels, raised instance ($raised model calls) $levels; concurrency $concurrency"
} >"$out/chat-environment.txt"
log "done: results in $out/"
cat "$out/chat-environment.txt" "$out"/chat-throughput.md "$out"/chat-streams-*.md "$out/chat-log-counts.txt" 2>/dev/null >&2 || true
