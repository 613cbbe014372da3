#!/usr/bin/env bash
# System packages the test suite needs, from Debian: chromium (browser tests), postgresql
# (the suite's second engine; the tests start a throwaway cluster with its initdb and pg_ctl) and
# beancount (its bean-check must accept the exported books).
# Idempotent: installs only what is missing. Without root it says what is missing and stops.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v bean-check >/dev/null 2>&1 || missing+=(beancount)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${missing[*]} (install them with apt-get, or run as root)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
