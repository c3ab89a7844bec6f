#!/usr/bin/env bash
# Starts Yuno locally with everything it needs: PostgreSQL with pgvector and Redis on loopback
# (scripts/services.sh), then the service on http://127.0.0.1:${PORT:-8080}, in the foreground.
# Works offline with no API keys; set OPENAI_API_KEY (and the other variables of .env.example)
# in the environment or in a .env file to use a real model.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java.sh

if [ -f .env ]; then
  set -a
  # shellcheck disable=SC1091
  source .env
  set +a
fi

eval "$(scripts/services.sh)"

# Local secrets, made once and kept in .yuno/ (ignored by git), so that tokens and the operator
# key survive restarts of a local instance.
mkdir -p .yuno
chmod 700 .yuno
# local_secret VARIABLE FILE COMMAND...: unless VARIABLE is set, export it from .yuno/FILE, made
# once by COMMAND.
local_secret() {
  local variable=$1 file=.yuno/$2
  shift 2
  if [ -z "${!variable:-}" ]; then
    [ -s "$file" ] || "$@" > "$file"
    export "$variable=$(cat "$file")"
  fi
}
random_base64() { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }
admin_key() { printf 'yadm_'; head -c 24 /dev/urandom | base64 | tr -d '\n/+='; }
local_secret JWT_SECRET jwt-secret random_base64 48
local_secret YUNO_SECRETS_KEY secrets-key random_base64 48
local_secret YUNO_ADMIN_API_KEY admin-api-key admin_key
export SPRING_PROFILES_ACTIVE="${SPRING_PROFILES_ACTIVE:-local}"

./mvnw -B -q -ntp -DskipTests package >&2

cat >&2 <<INFO

  Yuno is starting on http://127.0.0.1:${PORT:-8080}
  Health:        curl http://127.0.0.1:${PORT:-8080}/actuator/health
  Chat demo:     open http://localhost:${PORT:-8080}/demo and chat
  Operator key:  ${YUNO_ADMIN_API_KEY}   (in .yuno/admin-api-key; set YUNO_ADMIN_API_KEY to choose your own)

INFO
exec java ${JAVA_OPTS:-} -jar target/yuno.jar
