#!/usr/bin/env bash
# Fresh-clone `make demo` timing (issue 17: up within 3 minutes). Prints each phase's seconds.
#   bench/demo_startup.sh CLONE_DIR [SOURCE_REPO] [BRANCH]
# Clones SOURCE_REPO (default: this repository) at BRANCH into CLONE_DIR when CLONE_DIR does not
# exist yet, then runs the steps of `make demo` one by one with the Makefile's own commands:
# `make venv`, `make migrate`, seed_demo, and honcho (web, worker, beat) until /healthz answers
# 200. COURIER_VAR_DIR defaults to a fresh directory (an empty SQLite database); PORT to 8765.
set -euo pipefail
clone=${1:?clone directory}
source_repo=${2:-$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)}
branch=${3:-}
port=${PORT:-8765}
export COURIER_VAR_DIR=${COURIER_VAR_DIR:-$(mktemp -d /tmp/var-demo-startup.XXXXXX)}
export PORT=$port

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

echo "load: $(uptime | sed 's/.*load average: //')"
start=$(now)
if [ ! -d "$clone" ]; then
  git clone -q ${branch:+-b "$branch"} "$source_repo" "$clone"
fi
cd "$clone"
t0=$(now); make -s venv;    t1=$(now); echo "venv:      $(secs "$t0" "$t1") s"
make -s migrate;            t2=$(now); echo "migrate:   $(secs "$t1" "$t2") s"
.venv/bin/python manage.py seed_demo > "$COURIER_VAR_DIR/seed_demo.log"
t3=$(now); echo "seed_demo: $(secs "$t2" "$t3") s"

PATH="$PWD/.venv/bin:$PATH" setsid .venv/bin/honcho start -f Procfile -p "$port" \
  > "$COURIER_VAR_DIR/honcho.log" 2>&1 &
honcho_pid=$!
trap 'kill -- -"$honcho_pid" 2>/dev/null || true; wait "$honcho_pid" 2>/dev/null || true' EXIT
code=000
for _ in $(seq 1 600); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true)
  [ "$code" = 200 ] && break
  sleep 0.2
done
t4=$(now)
echo "healthz:   $(secs "$t3" "$t4") s (HTTP $code)"
echo "total:     $(secs "$start" "$t4") s (clone included: $(secs "$start" "$t0") s)"
echo "load: $(uptime | sed 's/.*load average: //')"
[ "$code" = 200 ]
