#!/usr/bin/env bash
# Sourced by the other scripts: points JAVA_HOME at a JDK 25, since the machine's default java may
# be older. Honours a JAVA_HOME that is already a JDK 25.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_major "$JAVA_HOME")" != 25 ]; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-* /usr/lib/jvm/*25* /opt/java/openjdk; do
    if [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate")" = 25 ]; then
      JAVA_HOME="$candidate"
      break
    fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "Yuno needs a JDK 25 (none found under /usr/lib/jvm). Install one, e.g. Temurin 25, and set JAVA_HOME." >&2
    exit 1
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
