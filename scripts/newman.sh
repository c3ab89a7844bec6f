#!/usr/bin/env bash
# Runs the Postman collection (postman/yuno.postman_collection.json) with Newman against the
# packaged jar (target/yuno.jar, built by the Maven verify of scripts/test.sh), started as the
# Procfile's web process is on Heroku: on a free port ($PORT), with a fresh database of its own given
# as a platform's postgres://user:password@host/db URL, the shared Redis, offline (no model keys)
# and a generated operator key. The run fails on any failed assertion; the jar is always stopped.
# Extra arguments go to `newman run` (e.g. --folder "2. Widget: authenticate, verify, ask, refresh, leads").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/java.sh
source scripts/jar.sh

if [ ! -f target/yuno.jar ]; then
  echo "target/yuno.jar is missing: build it first (./mvnw -DskipTests package, or scripts/test.sh)." >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 18 ]; then
  echo "Newman needs Node.js 18 or newer with npm." >&2
  exit 1
fi

eval "$(scripts/services.sh)"

# A database of its own, made afresh and dropped at the end. Named after YUNO_TEST_DATABASE so that
# two checkouts running their tests side by side do not share it.
db="${YUNO_TEST_DATABASE:-yuno_test}_newman"

out="$root/target/newman"
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
cleanup() {
  jar_stop
  psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >&2 || true
  rm -rf "$work"
}
trap cleanup EXIT
psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >&2

operator_key="yadm_$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')"
log="$out/yuno.log"
web=$(sed -n 's/^web: *//p' Procfile)
[ -n "$web" ] || { echo "The Procfile has no web process." >&2; exit 1; }
# The database as Heroku and Render hand it out: postgres://user:password@host:port/database.
uri() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }
server="${DATABASE_URL#jdbc:postgresql://}"
server="${server%%/*}"
platform_db="postgres://$(uri "$DATABASE_USERNAME"):$(uri "$DATABASE_PASSWORD")@$server/$db"
echo "[newman] starting the Procfile's web process ($web) on database $db (log: target/newman/yuno.log)" >&2
# A clean environment: nothing from a developer's shell (an OPENAI_API_KEY, a SPRING_PROFILES_ACTIVE)
# changes what the collection meets. No model key: the service answers offline, from the passages.
jar_start "$log" env -i PATH="$PATH" HOME="$work" LANG=C.UTF-8 \
  DATABASE_URL="$platform_db" \
  REDIS_URL="$REDIS_URL" \
  JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
  YUNO_SECRETS_KEY="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
  YUNO_ADMIN_API_KEY="$operator_key" \
  YUNO_SPOOL_DIR="$work/spool" \
  PORT=0 \
  bash -c "exec $web"
jar_wait_healthy "$log"
echo "[newman] the service is up on port $JAR_PORT" >&2

cd postman
npm ci --no-audit --no-fund >&2
status=0
npx --no-install newman run yuno.postman_collection.json \
  --environment yuno.postman_environment.json \
  --env-var "base_url=http://127.0.0.1:$JAR_PORT" \
  --env-var "operator_key=$operator_key" \
  --reporters cli,junit --reporter-junit-export "$out/newman.xml" \
  "$@" || status=$?

# The real jar's start-up log, too: no in-memory user and its generated password (see YunoApplication).
if grep -q "generated security password" "$log"; then
  echo "[newman] the start-up log offers a generated security password" >&2
  status=1
fi
exit "$status"
