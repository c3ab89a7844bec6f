#!/usr/bin/env bash
# Lints the OpenAPI description exactly as the jar serves it with Redocly CLI (pinned in
# api/package-lock.json; its rules in api/redocly.yaml). The Maven build's
# OpenApiDocumentIntegrationTests writes the served /v3/api-docs to target/openapi/yuno.json, so
# run this after `./mvnw verify` (scripts/test.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."

document=target/openapi/yuno.json
if [ ! -s "$document" ]; then
  echo "$document is missing: run the Maven build's tests first (./mvnw verify)." >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "The API lint needs Node.js 20.19 or newer with npm." >&2
  exit 1
fi
cd api
npm ci --no-audit --no-fund >&2
npx --no-install redocly lint --config redocly.yaml "../$document"
