#!/usr/bin/env bash
# The knowledge base's benchmark (not a test), KnowledgeBenchmark under src/test/java: a bulk load
# of chunks over sites of skewed sizes (load, index build, database size), ingestion with the
# indexes in place (embeddings from the loopback fake server), then the hybrid search from several
# searchers at once: p50/p99 and recall@5 against the exact search per site-size bucket.
#   scripts/bench-knowledge.sh [chunks=1000000] [sites=1000] [ingested documents=200]
#                              [questions per size bucket=200] [searchers=8]
# BENCH_JAVA_OPTS adds JVM options, e.g. -Dyuno.knowledge.retrieval.max-concurrent=2 to try a setting (the
# service runs its own settings otherwise, printed on the RETRIEVE settings line).
# Results go to stdout and bench/results/knowledge.txt (BENCH_OUT names another file: a partial rerun
# then does not overwrite the recorded runs).
# It runs on a database of its own (YUNO_BENCH_DATABASE, default yuno_bench_kb), dropped and made
# anew each run, with the local services of scripts/services.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java.sh
eval "$(scripts/services.sh)"

bench_db="${YUNO_BENCH_DATABASE:-yuno_bench_kb}"
pg_port="${YUNO_PG_PORT:-5432}"
# BENCH_REUSE=true keeps the database of the last run with the same arguments and skips the load
# (the corpus is the same for the same arguments): to rerun the searches on a quieter machine.
if [[ "${BENCH_REUSE:-false}" != true ]]; then
  PGPASSWORD="$DATABASE_PASSWORD" psql -q -h 127.0.0.1 -p "$pg_port" -U "$DATABASE_USERNAME" -d postgres \
    -c "DROP DATABASE IF EXISTS $bench_db WITH (FORCE)" -c "CREATE DATABASE $bench_db" >&2
fi
# The steady run's statement table reads pg_stat_statements (loaded by services.sh), an extension
# only a superuser creates: as the database user if it is one (the compose file's), else as the
# postgres OS user where this user can become it without a password; else the table is left out.
create_stats="CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
if ! PGPASSWORD="$DATABASE_PASSWORD" psql -q -h 127.0.0.1 -p "$pg_port" -U "$DATABASE_USERNAME" -d "$bench_db" \
       -c "$create_stats" >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]]; then
    su postgres -c "psql -q -p $pg_port -d $bench_db -c '$create_stats'" >&2 || true
  elif sudo -n true 2>/dev/null; then
    sudo -n -u postgres psql -q -p "$pg_port" -d "$bench_db" -c "$create_stats" >&2 || true
  fi
fi
export BENCH_REUSE="${BENCH_REUSE:-false}"
export DATABASE_URL="jdbc:postgresql://127.0.0.1:${pg_port}/${bench_db}"

./mvnw -q -B -ntp -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
out="${BENCH_OUT:-bench/results/knowledge.txt}"
mkdir -p "$(dirname "$out")"
{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), $(free -h | awk '/Mem:/ {print $2}') RAM,"\
       "$(PGPASSWORD="$DATABASE_PASSWORD" psql -Atq -h 127.0.0.1 -p "$pg_port" -U "$DATABASE_USERNAME" -d "$bench_db" \
          -c "SELECT version()" | cut -d' ' -f1-2), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# arguments: ${*:-(defaults)}"
  java -Xmx4g ${BENCH_JAVA_OPTS:-} -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
    com.helloyuno.knowledge.KnowledgeBenchmark "$@" 2>&1 | grep --line-buffered -E 'INGEST|LOAD|RETRIEVE|ERROR|Exception' || true
  echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out"
