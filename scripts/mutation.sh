#!/usr/bin/env bash
# Mutation testing of the trust boundary (README, "Mutation testing"): PIT mutates the classes that
# decide what a visitor, a site's page or an attacker may do, and runs their unit tests against each
# mutant; no PostgreSQL or Redis is needed. Fails when the total score is below 80 % (PIT's own
# check) or when one of the strictest classes is below 90 % once the mutants listed in the
# README as equivalent are set aside (scripts/MutationScores.java). The report:
# target/pit-reports/index.html. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java.sh

goal=apply
[ "${CI:-}" = true ] && goal=check
./mvnw -B -ntp -Pmutation -Dspotless.goal="$goal" process-test-classes "$@"
java scripts/MutationScores.java target/pit-reports/mutations.xml README.md 80 \
  UrlGuard=90 AddressGuard=90 Domains=90 WidgetTokens=90 IdentityVerifier=90 SecretSealer=90
echo "Mutation report: target/pit-reports/index.html"
