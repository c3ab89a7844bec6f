# Sourced by scripts/newman.sh and scripts/unprivileged-start.sh: runs the packaged jar
# (target/yuno.jar) as a real process on a free port and waits until it answers.
#
#   jar_start LOG COMMAND...   starts COMMAND (which execs java -jar with PORT=0) in the
#                              background, its output in LOG; sets JAR_PID
#   jar_wait_healthy LOG       waits for the port in LOG and an UP /actuator/health (at most
#                              YUNO_START_TIMEOUT seconds, default 300); sets JAR_PORT; returns 1
#                              if the process ends first or the time runs out
#   jar_stop                   SIGTERM, then SIGKILL after 60 s; does nothing when nothing runs
#   psql_admin ARGS...         psql on the maintenance database as the services' role (after
#                              scripts/services.sh), to make and drop the jar's own database

JAR_PID=""
JAR_PORT=""

psql_admin() {
  if command -v psql >/dev/null 2>&1; then
    PGPASSWORD="$DATABASE_PASSWORD" psql -q -h 127.0.0.1 -p "${YUNO_PG_PORT:-5432}" -U "$DATABASE_USERNAME" \
      -d postgres "$@"
  else
    docker compose exec -T postgres psql -q -U "$DATABASE_USERNAME" -d postgres "$@"
  fi
}

jar_start() {
  local log=$1
  shift
  # COMMAND must exec java (env, setpriv), so that JAR_PID is the JVM itself.
  "$@" >"$log" 2>&1 </dev/null &
  JAR_PID=$!
}

jar_wait_healthy() {
  local log=$1 timeout=${YUNO_START_TIMEOUT:-300} waited=0
  JAR_PORT=""
  while [ "$waited" -lt "$timeout" ]; do
    if ! kill -0 "$JAR_PID" 2>/dev/null; then
      echo "The service stopped before it was healthy; the end of its log ($log):" >&2
      tail -n 40 "$log" >&2
      return 1
    fi
    if [ -z "$JAR_PORT" ]; then
      # PORT=0 lets the system pick a free port; Tomcat logs the one it got.
      JAR_PORT=$(sed -n 's/.*Tomcat started on port \([0-9][0-9]*\).*/\1/p' "$log" | head -n 1)
    fi
    if [ -n "$JAR_PORT" ] && curl -fsS --max-time 5 "http://127.0.0.1:${JAR_PORT}/actuator/health" 2>/dev/null \
      | grep -q '"status":"UP"'; then
      return 0
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "The service was not healthy after ${timeout} s; the end of its log ($log):" >&2
  tail -n 40 "$log" >&2
  return 1
}

jar_stop() {
  [ -n "$JAR_PID" ] || return 0
  if kill -0 "$JAR_PID" 2>/dev/null; then
    kill -TERM "$JAR_PID" 2>/dev/null || true
    local waited=0
    while kill -0 "$JAR_PID" 2>/dev/null && [ "$waited" -lt 60 ]; do
      sleep 1
      waited=$((waited + 1))
    done
    kill -KILL "$JAR_PID" 2>/dev/null || true
  fi
  wait "$JAR_PID" 2>/dev/null || true
  JAR_PID=""
}
