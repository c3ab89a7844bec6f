#!/usr/bin/env bash
# Make PostgreSQL (with the pgvector extension) and Redis available on loopback,
# idempotently, then print the connection settings as shell `export` lines:
#
#   eval "$(scripts/services.sh)"
#
# - If a Docker engine answers, uses `docker compose up -d postgres redis`
#   with the repository's docker-compose.yml.
# - Otherwise, on Debian/Ubuntu (root, or a user with sudo), installs what is
#   missing (postgresql, redis-server; pgvector from the binary package
#   postgresql-<ver>-pgvector or, where there is none, built from Debian's
#   trixie source package), starts the Debian cluster "<ver> main" and a Redis
#   server, and creates role/database yuno (password yuno) with `vector`
#   installed in both `yuno` and `template1`.
#
# Env overrides: YUNO_PG_PORT (default 5432), YUNO_REDIS_PORT (default 6379).
#
# Only the export lines go to stdout; all progress and errors go to stderr.
set -Eeuo pipefail

# Everything written to stdout from here on goes to stderr; the final export
# lines are written to fd 3 (the original stdout).
exec 3>&1 1>&2

PG_PORT="${YUNO_PG_PORT:-5432}"
REDIS_PORT="${YUNO_REDIS_PORT:-6379}"
PG_MAX_CONNECTIONS="${YUNO_PG_MAX_CONNECTIONS:-300}"
DB_NAME=yuno
DB_USER=yuno
DB_PASSWORD=yuno
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
YUNO_APT_DIR=/var/tmp/yuno-apt

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }
on_err() { printf '[services] ERROR: command failed (exit %s) at line %s: %s\n' "$1" "$2" "$3" >&2; exit "$1"; }
trap 'on_err $? $LINENO "$BASH_COMMAND"' ERR

print_settings() {
  printf 'export DATABASE_URL=jdbc:postgresql://127.0.0.1:%s/%s\n' "$PG_PORT" "$DB_NAME" >&3
  printf 'export DATABASE_USERNAME=%s\n' "$DB_USER" >&3
  printf 'export DATABASE_PASSWORD=%s\n' "$DB_PASSWORD" >&3
  printf 'export REDIS_URL=redis://127.0.0.1:%s\n' "$REDIS_PORT" >&3
}

# True if something accepts TCP connections on 127.0.0.1:$1 (no client tools needed).
tcp_open() { (exec 4<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for SECONDS DESCRIPTION COMMAND...: retry COMMAND every 0.5 s.
wait_for() {
  local secs=$1 what=$2; shift 2
  local tries=$((secs * 2)) i
  for ((i = 0; i < tries; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    ((i > 0)) || log "waiting for $what (up to ${secs} s)"
    sleep 0.5
  done
  return 1
}

###############################################################################
# Docker
###############################################################################
compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose -f "$REPO/docker-compose.yml" "$@"
  else
    docker-compose -f "$REPO/docker-compose.yml" "$@"
  fi
}
docker_pg_ready()    { compose exec -T postgres pg_isready -h 127.0.0.1 -U "$DB_USER" -d "$DB_NAME" -q && tcp_open "$PG_PORT"; }
docker_redis_ready() { compose exec -T redis redis-cli ping | grep -q PONG && tcp_open "$REDIS_PORT"; }

run_docker() {
  [[ -f "$REPO/docker-compose.yml" ]] || die "a Docker engine answers but $REPO/docker-compose.yml does not exist"
  log "Docker engine found: docker compose up -d postgres redis"
  export YUNO_PG_PORT="$PG_PORT" YUNO_REDIS_PORT="$REDIS_PORT"
  compose up -d postgres redis
  wait_for 120 postgres docker_pg_ready \
    || die "PostgreSQL container not ready on 127.0.0.1:$PG_PORT after 120 s (see: docker compose logs postgres)"
  wait_for 60 redis docker_redis_ready \
    || die "Redis container not ready on 127.0.0.1:$REDIS_PORT after 60 s (see: docker compose logs redis)"
  local db
  for db in "$DB_NAME" template1; do
    compose exec -T postgres psql -q -U "$DB_USER" -d "$db" -v ON_ERROR_STOP=1 \
      -c 'CREATE EXTENSION IF NOT EXISTS vector' \
      || die "could not create extension vector in database $db (container)"
  done
  log "PostgreSQL and Redis containers are up"
}

###############################################################################
# Debian / Ubuntu
###############################################################################
SUDO=()
APT_UPDATED=0

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

pkg_candidate() {  # prints the candidate version, or nothing
  local c
  c="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2; exit}')"
  [[ -n "$c" && "$c" != "(none)" ]] && printf '%s\n' "$c"
  return 0
}

apt_update() {
  log "apt-get update"
  "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 update -q || die "apt-get update failed"
  APT_UPDATED=1
}

# Install the given packages that are not installed yet.
apt_install() {
  local missing=() p
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  if ((APT_UPDATED == 0)); then
    for p in "${missing[@]}"; do
      if [[ -z "$(pkg_candidate "$p")" ]]; then apt_update; break; fi
    done
  fi
  log "installing: ${missing[*]}"
  local cmd=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300
             install -y -q --no-install-recommends "${missing[@]}")
  if ! "${cmd[@]}"; then
    ((APT_UPDATED == 0)) || die "apt-get install ${missing[*]} failed"
    log "install failed; refreshing package lists and retrying"
    apt_update
    "${cmd[@]}" || die "apt-get install ${missing[*]} failed"
  fi
}

# Run a command as the postgres OS user (from / so it need not read our cwd).
as_postgres() {
  if ((EUID == 0)); then (cd / && runuser -u postgres -- "$@")
  else (cd / && sudo -u postgres "$@"); fi
}

# URI of the main Debian archive this machine uses (not debian-security).
debian_archive_uri() {
  local uri=""
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    uri="$(awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) { u = $i; sub(/\/+$/, "", u); if (u ~ /\/debian$/) { print u; exit } } }' \
           /etc/apt/sources.list.d/debian.sources)"
  fi
  if [[ -z "$uri" && -r /etc/apt/sources.list ]]; then
    uri="$(awk '$1 == "deb" || $1 == "deb-src" {
                  i = 2; if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                  u = $i; sub(/\/+$/, "", u); if (u ~ /\/debian$/) { print u; exit } }' /etc/apt/sources.list)"
  fi
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# Build and install pgvector from Debian trixie's source package.
build_pgvector_from_source() {
  local pgver=$1 pg_config="/usr/lib/postgresql/$1/bin/pg_config"
  apt_install "postgresql-server-dev-$pgver" build-essential dpkg-dev

  local uri opts
  uri="$(debian_archive_uri)"
  if [[ -r /usr/share/keyrings/debian-archive-keyring.gpg ]]; then
    opts="signed-by=/usr/share/keyrings/debian-archive-keyring.gpg"
  else
    opts="trusted=yes"  # e.g. Ubuntu without Debian's keyring
  fi
  log "building pgvector from Debian trixie source ($uri)"
  "${SUDO[@]}" mkdir -p "$YUNO_APT_DIR/sources.list.d" "$YUNO_APT_DIR/lists/partial"
  printf 'deb-src [%s] %s trixie main\n' "$opts" "$uri" \
    | "${SUDO[@]}" tee "$YUNO_APT_DIR/sources.list.d/trixie-src.list" >/dev/null
  local aptopts=(-o "Dir::State::Lists=$YUNO_APT_DIR/lists"
                 -o Dir::Etc::SourceList=/dev/null
                 -o "Dir::Etc::SourceParts=$YUNO_APT_DIR/sources.list.d"
                 -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
                 -o APT::Sandbox::User=root)
  "${SUDO[@]}" apt-get "${aptopts[@]}" update -q || die "apt-get update of the trixie deb-src entry failed"

  local build="$YUNO_APT_DIR/build"
  "${SUDO[@]}" rm -rf "$build"
  "${SUDO[@]}" mkdir -p "$build"
  (cd "$build" && "${SUDO[@]}" apt-get "${aptopts[@]}" source --download-only -q pgvector) \
    || die "apt-get source pgvector (trixie) failed"
  local dscs=("$build"/pgvector_*.dsc) dsc
  dsc="${dscs[0]}"
  [[ -f "$dsc" ]] || die "no pgvector .dsc downloaded into $build"
  (cd "$build" && "${SUDO[@]}" dpkg-source -x "$dsc" src) || die "dpkg-source -x $dsc failed"
  # OPTFLAGS="" drops -march=native so the library runs on any x86-64/arm64 CPU.
  "${SUDO[@]}" make -C "$build/src" -j"$(nproc)" OPTFLAGS="" PG_CONFIG="$pg_config" \
    || die "building pgvector failed"
  "${SUDO[@]}" make -C "$build/src" install PG_CONFIG="$pg_config" || die "installing pgvector failed"
  log "pgvector $(basename "$dsc" .dsc | sed 's/^pgvector_//') built and installed"
}

ensure_pgvector() {
  local pgver=$1 pg_config="/usr/lib/postgresql/$1/bin/pg_config" sharedir
  if [[ -x "$pg_config" ]]; then sharedir="$("$pg_config" --sharedir)"
  else sharedir="/usr/share/postgresql/$pgver"; fi
  [[ -f "$sharedir/extension/vector.control" ]] && return 0

  local pkg="postgresql-$pgver-pgvector"
  # Refresh the package lists first only if there are none at all.
  if [[ -z "$(pkg_candidate "$pkg")" ]] && ((APT_UPDATED == 0)) \
       && ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    apt_update
  fi
  if [[ -n "$(pkg_candidate "$pkg")" ]]; then
    apt_install "$pkg"
  else
    log "no binary package $pkg available"
    build_pgvector_from_source "$pgver"
  fi
  [[ -x "$pg_config" ]] && sharedir="$("$pg_config" --sharedir)"
  [[ -f "$sharedir/extension/vector.control" ]] || die "pgvector still not installed ($sharedir/extension/vector.control missing)"
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; }

ensure_cluster() {
  local pgver=$1 line port status
  line="$(pg_lsclusters -h 2>/dev/null | awk -v v="$pgver" '$1 == v && $2 == "main"')"
  if [[ -z "$line" ]]; then
    log "creating cluster $pgver/main on port $PG_PORT"
    "${SUDO[@]}" pg_createcluster -p "$PG_PORT" "$pgver" main
    line="$(pg_lsclusters -h | awk -v v="$pgver" '$1 == v && $2 == "main"')"
  fi
  port="$(awk '{print $3}' <<<"$line")"
  status="$(awk '{print $4}' <<<"$line")"
  if [[ "$port" != "$PG_PORT" ]]; then
    log "cluster $pgver/main is on port $port; switching it to $PG_PORT"
    "${SUDO[@]}" pg_conftool "$pgver" main set port "$PG_PORT"
    if [[ "$status" == online* ]]; then "${SUDO[@]}" pg_ctlcluster "$pgver" main restart; status=online; fi
  fi
  # The test suite keeps a dozen application contexts alive, each with its own connection pool;
  # Debian's default of 100 connections is too few for that (and for a few checkouts side by side).
  local connections
  connections="$("${SUDO[@]}" pg_conftool -s "$pgver" main show max_connections 2>/dev/null || echo 100)"
  if (( connections < PG_MAX_CONNECTIONS )); then
    log "raising max_connections of $pgver/main from $connections to $PG_MAX_CONNECTIONS"
    "${SUDO[@]}" pg_conftool "$pgver" main set max_connections "$PG_MAX_CONNECTIONS"
    if [[ "$status" == online* ]]; then "${SUDO[@]}" pg_ctlcluster "$pgver" main restart; fi
  fi
  # Settings for the knowledge search (README, knowledge benchmark): a search is a few short
  # queries, so no parallel workers (starting them cost more than the scan) and no JIT compilation
  # (tens of milliseconds on a large site's plan); pages come from memory, so random reads cost
  # about what sequential ones do; a buffer cache of a quarter of the memory (at most 8 GB), the
  # usual share: a search's pages that miss it are copied from the OS cache, which was a fifth of
  # the CPU of the 1,000,000-chunk benchmark's concurrent searches with 1 GB.
  local name value current changed=0 memory_mb
  memory_mb=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 ))
  local buffers_mb=$(( memory_mb / 4 )) cache_mb=$(( memory_mb * 3 / 4 ))
  (( buffers_mb < 128 )) && buffers_mb=128
  (( buffers_mb > 8192 )) && buffers_mb=8192
  # pg_stat_statements: each statement's calls and time, for an operator (and the knowledge
  # benchmark) to see where a search's time goes; it loads only at a start, so it is here, added to
  # whatever the cluster already preloads (one restart, the first time).
  local preload
  preload="$("${SUDO[@]}" pg_conftool -s "$pgver" main show shared_preload_libraries 2>/dev/null || true)"
  preload="${preload//\'/}"
  if [[ ",${preload// /}," != *,pg_stat_statements,* ]]; then
    preload="${preload:+$preload,}pg_stat_statements"
  fi
  for setting in shared_buffers=${buffers_mb}MB effective_cache_size=${cache_mb}MB random_page_cost=1.1 jit=off \
                 max_parallel_workers_per_gather=0 "shared_preload_libraries=$preload"; do
    name="${setting%%=*}" value="${setting#*=}"
    current="$("${SUDO[@]}" pg_conftool -s "$pgver" main show "$name" 2>/dev/null || true)"
    if [[ "$current" != "$value" ]]; then
      log "setting $name = $value on $pgver/main"
      "${SUDO[@]}" pg_conftool "$pgver" main set "$name" "$value"
      changed=1
    fi
  done
  # The buffer cache in huge pages (2 MB), where the kernel lets us reserve them: with 4 kB pages
  # every backend maps each buffer it touches with a page fault of its own, and on a virtual
  # machine those faults made eight concurrent searches slower in total than one (README, knowledge
  # benchmark: 75 -> 197 searches a second). huge_pages=try: PostgreSQL falls back to 4 kB pages
  # when there are too few, so a refusal (a container, no privileges) costs speed, not the start.
  local want_huge=$(( buffers_mb / 2 + buffers_mb / 20 + 64 )) have_huge
  have_huge="$(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo 0)"
  if (( have_huge < want_huge )); then
    if "${SUDO[@]}" sysctl -q -w vm.nr_hugepages="$want_huge" >/dev/null 2>&1; then
      log "reserved $want_huge huge pages for PostgreSQL's buffer cache (vm.nr_hugepages)"
      changed=1
    else
      log "could not reserve huge pages (vm.nr_hugepages); PostgreSQL uses ordinary pages"
    fi
  fi
  if ((changed)) && [[ "$status" == online* ]]; then "${SUDO[@]}" pg_ctlcluster "$pgver" main restart; fi
  if [[ "$status" != online* ]]; then
    log "starting PostgreSQL cluster $pgver/main"
    "${SUDO[@]}" pg_ctlcluster "$pgver" main start \
      || die "pg_ctlcluster $pgver main start failed (see /var/log/postgresql/postgresql-$pgver-main.log)"
  fi
  wait_for 60 postgres pg_ready \
    || die "PostgreSQL not answering on 127.0.0.1:$PG_PORT after 60 s (see /var/log/postgresql/postgresql-$pgver-main.log)"
}

setup_database() {
  as_postgres psql -X -q -p "$PG_PORT" -d postgres -v ON_ERROR_STOP=1 <<SQL || die "creating role/database $DB_NAME failed"
SET client_min_messages = warning;
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER;
  END IF;
END
\$\$;
ALTER ROLE $DB_USER WITH LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \gexec
SQL
  local db
  for db in "$DB_NAME" template1; do
    as_postgres psql -X -q -p "$PG_PORT" -d "$db" -v ON_ERROR_STOP=1 \
      -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION IF NOT EXISTS vector' \
      || die "CREATE EXTENSION vector failed in database $db"
  done
  PGPASSWORD="$DB_PASSWORD" psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" \
      -tA -c "SELECT 1 FROM pg_extension WHERE extname = 'vector'" | grep -q 1 \
    || die "password login as $DB_USER@127.0.0.1:$PG_PORT/$DB_NAME failed or vector is missing (check pg_hba.conf)"
}

redis_ready() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

ensure_redis() {
  redis_ready && return 0
  if tcp_open "$REDIS_PORT"; then
    die "127.0.0.1:$REDIS_PORT is in use by something that does not answer Redis PING (set YUNO_REDIS_PORT to another port)"
  fi
  local dir
  dir="/var/tmp/yuno-redis-$(id -u)"
  mkdir -p "$dir"
  log "starting redis-server on 127.0.0.1:$REDIS_PORT (dir $dir)"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --dir "$dir" --logfile "$dir/redis-$REDIS_PORT.log" \
    || die "redis-server failed to start"
  wait_for 30 redis redis_ready || {
    tail -n 20 "$dir/redis-$REDIS_PORT.log" >&2 || true
    die "Redis not answering on 127.0.0.1:$REDIS_PORT after 30 s (log: $dir/redis-$REDIS_PORT.log)"
  }
}

run_native() {
  if [[ ! -r /etc/debian_version ]] || ! command -v apt-get >/dev/null; then
    die "no Docker engine answers and this is not Debian/Ubuntu: start PostgreSQL (with pgvector) and Redis yourself"
  fi
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "not root and sudo is not installed"
    SUDO=(sudo)
  fi

  local have_pg=0
  compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null && have_pg=1
  if ((have_pg == 0)) || ! pkg_installed postgresql-contrib || ! command -v redis-server >/dev/null \
       || ! command -v redis-cli >/dev/null; then
    apt_install postgresql postgresql-contrib redis-server
  fi

  local d pgver=""
  for d in /usr/lib/postgresql/*/bin/postgres; do  # highest installed major version
    d="${d#/usr/lib/postgresql/}"; d="${d%%/*}"
    if [[ "$d" =~ ^[0-9]+$ ]] && { [[ -z "$pgver" ]] || ((d > pgver)); }; then pgver="$d"; fi
  done
  [[ -n "$pgver" && -x "/usr/lib/postgresql/$pgver/bin/postgres" ]] || die "no PostgreSQL server found under /usr/lib/postgresql"

  ensure_pgvector "$pgver"
  ensure_cluster "$pgver"
  setup_database
  ensure_redis
  log "PostgreSQL $pgver (pgvector) on 127.0.0.1:$PG_PORT and Redis on 127.0.0.1:$REDIS_PORT are up"
}

# fd 3 is closed for all the work: a daemon started here (redis-server, the PostgreSQL postmaster,
# a server that apt's post-install starts) would otherwise inherit the caller's `$(...)` pipe and
# keep it open, so that `eval "$(scripts/services.sh)"` waits for ever for its end.
if command -v docker >/dev/null && timeout 5 docker info >/dev/null 2>&1; then
  run_docker 3>&-
else
  run_native 3>&-
fi
print_settings
