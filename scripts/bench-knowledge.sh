#!/usr/bin/env bash
# The knowledge base's benchmark (not a test): ingest throughput with the loopback fake embeddings
# server, then retrieval latency p50/p99 and recall@5 of the HNSW index against exact search.
#   scripts/bench-knowledge.sh [chunks=100000] [sites=100] [ingested documents=200] [queries=200]
# It runs on a database of its own (YUNO_BENCH_DATABASE, default yuno_bench_kb), dropped and made
# anew each run, with the local services of scripts/services.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java.sh
eval "$(scripts/services.sh)"

bench_db="${YUNO_BENCH_DATABASE:-yuno_bench_kb}"
pg_port="${YUNO_PG_PORT:-5432}"
PGPASSWORD="$DATABASE_PASSWORD" psql -q -h 127.0.0.1 -p "$pg_port" -U "$DATABASE_USERNAME" -d postgres \
  -c "DROP DATABASE IF EXISTS $bench_db WITH (FORCE)" -c "CREATE DATABASE $bench_db" >&2
export DATABASE_URL="jdbc:postgresql://127.0.0.1:${pg_port}/${bench_db}"

./mvnw -q -B -ntp -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
java -Xmx4g -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
  com.helloyuno.knowledge.KnowledgeBenchmark "$@" 2>&1 | grep -E 'INGEST|LOAD|RETRIEVE|ERROR|Exception' || true
