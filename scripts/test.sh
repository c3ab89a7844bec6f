#!/usr/bin/env bash
# Runs every test against real services: starts PostgreSQL with pgvector and Redis on loopback
# (scripts/services.sh), gives the tests a fresh database, then runs the Maven build with all its
# tests, then mutation testing of the trust boundary (scripts/mutation.sh), then the widget's type
# check and browser tests (widget/, npm). In CI (CI=true) the formatter only checks, and a badly
# formatted file fails the build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java.sh

eval "$(scripts/services.sh)"

# A fresh database per run, so that no test depends on what an earlier run left behind.
# YUNO_TEST_DATABASE lets two checkouts run their tests side by side.
test_db="${YUNO_TEST_DATABASE:-yuno_test}"
# PostgreSQL folds an unquoted name to lower case, so "yuno_ciA" would be created as yuno_cia and
# then not found by the tests: only names that stay as they are.
if [[ ! "$test_db" =~ ^[a-z_][a-z0-9_]{0,50}$ ]]; then
  echo "YUNO_TEST_DATABASE must be lower-case letters, digits and underscores (got '$test_db')" >&2
  exit 2
fi
if command -v psql >/dev/null 2>&1; then
  pg_port="${YUNO_PG_PORT:-5432}"
  PGPASSWORD="$DATABASE_PASSWORD" psql -q -h 127.0.0.1 -p "$pg_port" -U "$DATABASE_USERNAME" -d postgres \
    -c "DROP DATABASE IF EXISTS $test_db WITH (FORCE)" -c "CREATE DATABASE $test_db" >&2
  export DATABASE_URL="jdbc:postgresql://127.0.0.1:${pg_port}/${test_db}"
fi

goal=apply
[ "${CI:-}" = true ] && goal=check
./mvnw -B -ntp -Dspotless.goal="$goal" verify "$@"
scripts/api-lint.sh  # Redocly's lint of the /v3/api-docs that verify's tests wrote to target/openapi

# Mutation testing of the trust-boundary classes (about 11 minutes on 2 cores); fails below its
# thresholds. Its report stays in target/pit-reports/.
scripts/mutation.sh

# The widget: its type check and browser tests in Debian's Chromium, against the jar that verify
# has just packaged (target/yuno.jar), with the same database and Redis.
scripts/browser.sh
# The Postman collection run by Newman against the packaged jar, started as the Procfile says; then
# the jar started with the Docker image's settings as an unprivileged user.
scripts/newman.sh
scripts/unprivileged-start.sh
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "The widget's tests need Node.js 20 or newer with npm." >&2
  exit 1
fi
cd widget
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund >&2
else
  npm install --no-audit --no-fund >&2
fi
npm test
