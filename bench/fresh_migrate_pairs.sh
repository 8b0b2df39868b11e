#!/usr/bin/env bash
# A fresh SQLite `migrate` of two checkouts, interleaved (A B A B …): wall and CPU seconds of
# each run, then the median and min–max of the B/A ratios. Each checkout needs its .venv
# (`make venv`, or bench/demo_startup.sh's clone).
#   bench/fresh_migrate_pairs.sh CHECKOUT_A CHECKOUT_B [PAIRS=5]
set -euo pipefail
a=${1:?checkout A}; b=${2:?checkout B}; pairs=${3:-5}
run() {  # prints "wall cpu"
  local var; var=$(mktemp -d /tmp/var-fresh-migrate.XXXXXX)
  ( cd "$1" && COURIER_VAR_DIR=$var /usr/bin/time -f "%e %U %S" .venv/bin/python manage.py \
      migrate --no-input -v0 ) 2>&1 >/dev/null | tail -1 | awk '{ printf "%s %.2f\n", $1, $2 + $3 }'
  rm -rf "$var"
}
ratios_wall=(); ratios_cpu=()
for i in $(seq 1 "$pairs"); do
  read -r wa ca < <(run "$a"); read -r wb cb < <(run "$b")
  echo "pair $i: A ${wa}s wall ${ca}s cpu | B ${wb}s wall ${cb}s cpu | load $(cut -d' ' -f1-3 /proc/loadavg)"
  ratios_wall+=("$(awk -v x="$wb" -v y="$wa" 'BEGIN { print x / y }')")
  ratios_cpu+=("$(awk -v x="$cb" -v y="$ca" 'BEGIN { print x / y }')")
done
summary() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "%.3f (min %.3f, max %.3f, %d pairs)", m, v[1], v[NR], NR }'; }
echo "B/A wall: $(summary "${ratios_wall[@]}")"
echo "B/A cpu:  $(summary "${ratios_cpu[@]}")"
