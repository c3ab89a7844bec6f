#!/usr/bin/env bash
# The Docker image's start, without a Docker engine: runs the packaged jar (target/yuno.jar) the way
# the image's run stage does, read from the Dockerfile itself (its ENV, VOLUME, WORKDIR and
# ENTRYPOINT): as an unprivileged user (nobody, for the image's user), from a working directory that
# belongs to root, with the volume's directory made as the image makes it (owned by that user) under
# a scratch root. It must start (health UP, with its spool component) and make its spool under the
# volume, writing nothing in the working directory. As a control, the same start without the image's
# spool setting must stop at start-up (the spool would be under the root-owned working directory).
# Then `docker compose config` checks docker-compose.yml, where Docker's compose plugin is installed.
#
# Needs root (or sudo) to run as another user; otherwise it says so and skips.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

say() { echo "[unprivileged-start] $*" >&2; }

if docker compose version >/dev/null 2>&1; then
  docker compose config --quiet
  say "docker-compose.yml: docker compose config accepts it"
else
  say "docker-compose.yml not checked: Docker's compose plugin is not installed here"
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    exec sudo -n -E "$0" "$@"
  fi
  say "SKIPPED: running the jar as another user needs root or sudo (CI runs as root)"
  exit 0
fi

source scripts/java.sh
source scripts/jar.sh

if [ ! -f target/yuno.jar ]; then
  say "target/yuno.jar is missing: build it first (./mvnw -DskipTests package, or scripts/test.sh)."
  exit 1
fi

# --- The image's settings, from the run stage of the Dockerfile (after its last FROM).
stage=$(awk '/^FROM /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' Dockerfile)
fail() {
  say "FAILED: $*"
  exit 1
}
image_user=$(sed -n 's/^USER  *\([^ ]*\) *$/\1/p' <<<"$stage" | tail -n 1)
workdir=$(sed -n 's/^WORKDIR  *\([^ ]*\) *$/\1/p' <<<"$stage" | tail -n 1)
volume=$(sed -n 's/^VOLUME  *\["\([^"]*\)"\] *$/\1/p' <<<"$stage" | tail -n 1)
entrypoint=$(sed -n 's/^ENTRYPOINT  *\[\(.*\)\] *$/\1/p' <<<"$stage" | tail -n 1)
mapfile -t image_env < <(sed -n 's/^ENV  *\([A-Za-z_][A-Za-z0-9_]*=[^ ]*\) *$/\1/p' <<<"$stage")
[ -n "$image_user" ] && [ "$image_user" != root ] || fail "the image must run as a user other than root (USER)"
[ -n "$workdir" ] || fail "no WORKDIR in the Dockerfile's run stage"
[ -n "$volume" ] || fail "no VOLUME [\"...\"] in the Dockerfile's run stage: the spool would not outlive the container"
[ -n "$entrypoint" ] || fail "no ENTRYPOINT [...] in the Dockerfile's run stage"
# The image makes the volume's directory and gives it to its user: a named volume starts with
# that directory's owner, so the user can write there.
grep -Eq "chown .*${image_user}(:${image_user})? +${volume}( |$)" <<<"$stage" \
  || fail "the run stage does not give $volume to $image_user (chown), so $image_user could not write the volume"

spool_dir=""
for setting in "${image_env[@]}"; do
  if [ "${setting%%=*}" = YUNO_SPOOL_DIR ]; then
    spool_dir="${setting#*=}"
  fi
done
[ -n "$spool_dir" ] || fail "the image does not set YUNO_SPOOL_DIR: the spool would be under $workdir, which belongs to root"
case "$spool_dir/" in
  "$volume"/*) ;;
  *) fail "the image's YUNO_SPOOL_DIR ($spool_dir) is not on its volume ($volume)" ;;
esac
say "the image runs as $image_user in $workdir, its spool in $spool_dir on the volume $volume"

# --- The image's file system, under a scratch root: the working directory belongs to root and
# holds the jar; the volume's directory belongs to the unprivileged user.
run_user=nobody
run_uid=$(id -u "$run_user")
run_gid=$(id -g "$run_user")
scratch=$(mktemp -d)
chmod 755 "$scratch"
mkdir -p "$scratch$workdir" "$scratch$volume"
read -r -a command <<<"$(tr -d '",' <<<"$entrypoint")"
jar_name=${command[$((${#command[@]} - 1))]}
cp target/yuno.jar "$scratch$workdir/$jar_name"
chmod -R a+rX "$scratch$workdir"
chown "$run_uid:$run_gid" "$scratch$volume"
[ "${command[0]}" = java ] || fail "the ENTRYPOINT does not start with java: ${command[*]}"
command[0]="$JAVA_HOME/bin/java"

# The image's ENV, with paths on the volume moved under the scratch root.
settings=()
for setting in "${image_env[@]}"; do
  value="${setting#*=}"
  case "$value/" in
    "$volume"/*) value="$scratch$value" ;;
  esac
  settings+=("${setting%%=*}=$value")
done

# A database of its own, as scripts/newman.sh; the shared Redis.
eval "$(scripts/services.sh)"
db="${YUNO_TEST_DATABASE:-yuno_test}_image"
out="$root/target/unprivileged-start"
rm -rf "$out"
mkdir -p "$out"
cleanup() {
  jar_stop
  psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >&2 || true
  rm -rf "$scratch"
}
trap cleanup EXIT
psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >&2

# start_as_image LOG SETTING...: the ENTRYPOINT as the unprivileged user, in the working directory,
# with only the given settings and what compose passes (database, Redis, secrets, PORT).
start_as_image() {
  local log=$1
  shift
  cd "$scratch$workdir"
  jar_start "$log" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/nonexistent LANG=C.UTF-8 \
    "$@" \
    DATABASE_URL="${DATABASE_URL%/*}/$db" \
    DATABASE_USERNAME="$DATABASE_USERNAME" \
    DATABASE_PASSWORD="$DATABASE_PASSWORD" \
    REDIS_URL="$REDIS_URL" \
    JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
    PORT=0 \
    setpriv --reuid="$run_uid" --regid="$run_gid" --clear-groups -- "${command[@]}"
  cd "$root"
}

# --- 1. With the image's settings: it starts and spools on the volume.
say "starting the jar as $run_user in a root-owned $workdir with the image's settings"
start_as_image "$out/image.log" "${settings[@]}"
jar_wait_healthy "$out/image.log" || fail "the jar did not start as the image starts it"
health=$(curl -fsS "http://127.0.0.1:$JAR_PORT/actuator/health")
grep -q '"spool":{"status":"UP"' <<<"$health" || fail "health has no spool component UP: $health"
spool_here="$scratch$spool_dir"
[ -d "$spool_here" ] || fail "no spool folder was made at $spool_dir"
[ "$(stat -c %u "$spool_here")" = "$run_uid" ] || fail "the spool folder does not belong to the image's user"
left=$(find "$scratch$workdir" -mindepth 1 ! -name "$jar_name")
[ -z "$left" ] || fail "the jar wrote in its working directory: $left"
jar_stop
say "OK: healthy with the spool UP, spool made at $spool_dir (owned by the image's user), nothing written in $workdir"

# --- 2. Control: without the image's spool setting, the spool would be under the working
# directory, which the user cannot write: start-up must stop and say which setting to fix.
without_spool=()
for setting in "${settings[@]}"; do
  if [ "${setting%%=*}" != YUNO_SPOOL_DIR ]; then
    without_spool+=("$setting")
  fi
done
say "control: the same start without YUNO_SPOOL_DIR must stop"
start_as_image "$out/control.log" "${without_spool[@]}"
if jar_wait_healthy "$out/control.log" 2>/dev/null; then
  fail "the jar started although its spool folder ($workdir/.yuno/spool) cannot be written"
fi
grep -q "cannot be written" "$out/control.log" && grep -q "YUNO_SPOOL_DIR" "$out/control.log" \
  || fail "start-up stopped, but not for the spool folder: see target/unprivileged-start/control.log"
jar_stop
say "OK: without it, start-up stops: $(grep -o "The spool folder [^:]*: set YUNO_SPOOL_DIR" "$out/control.log" | head -n 1)"
