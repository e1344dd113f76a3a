#!/usr/bin/env bash
# InfoGAN seed sweep: trains several InfoGAN runs at once (made for one GPU through XLA, where one run leaves the
# card mostly idle), stops them all after DEADLINE seconds (each saves a checkpoint on SIGTERM and can be resumed
# with `ganbook train infogan --out DIR --resume`), scores each with `ganbook eval --json`, prints a table best
# first and exports the best two runs. This is what made pretrained/infogan-mnist (see its README).
#
#   RUNS="c1s5:--seed 5 --lambda-cont 1;c1s2:--seed 2 --lambda-cont 1" scripts/infogan_sweep.sh
#   SEEDS="1 2 3 4" DEADLINE=600 scripts/infogan_sweep.sh        # one run per seed, default flags
#
# Environment: RUNS ("name:flags;name:flags", each name a run folder) or SEEDS (default 1..8); COMMON (flags
# given to every run, default "--gen-hidden 256 --disc-hidden 256"); STEPS (each run's target, default 16000);
# DEADLINE (seconds of training before the runs are stopped, default 600); OUT (default runs/infogan-sweep);
# GANBOOK (the binary, default bin/ganbook); PACK=1 also writes each export as a .tar; GOMLX_BACKEND as usual,
# e.g. the CUDA plugin as in the README ("Choosing the backend").
set -u
SEEDS=${SEEDS:-"1 2 3 4 5 6 7 8"}
RUNS=${RUNS:-}
COMMON=${COMMON:-"--gen-hidden 256 --disc-hidden 256"}
STEPS=${STEPS:-16000}
DEADLINE=${DEADLINE:-600}
OUT=${OUT:-runs/infogan-sweep}
B=${GANBOOK:-bin/ganbook}
export GOPJRT_CUDA_CHECKS=${GOPJRT_CUDA_CHECKS:-0} GOMAXPROCS=${GOMAXPROCS:-2}
if [ ! -x "$B" ]; then
  echo "infogan_sweep: no ganbook binary at $B: run \`make build\` or set GANBOOK" >&2
  exit 2
fi
mkdir -p "$OUT"

declare -A ARGS
NAMES=""
if [ -n "$RUNS" ]; then
  IFS=';' read -ra parts <<< "$RUNS"
  for p in "${parts[@]}"; do ARGS[${p%%:*}]="${p#*:}"; NAMES="$NAMES ${p%%:*}"; done
else
  for s in $SEEDS; do ARGS[s$s]="--seed $s"; NAMES="$NAMES s$s"; done
fi
"$B" backend || exit 1

start=$(date +%s)
declare -A PID
for n in $NAMES; do
  # shellcheck disable=SC2086 # the flags are meant to split
  "$B" train infogan ${ARGS[$n]} $COMMON --steps "$STEPS" --checkpoint-every 1000 --sample-every 4000 \
    --out "$OUT/$n" > "$OUT/train-$n.log" 2>&1 &
  PID[$n]=$!
done
first=${NAMES# }
first=${first%% *}
stop_all() { for n in $NAMES; do kill "-$1" "${PID[$n]}" 2>/dev/null; done; }
trap 'stop_all TERM; wait; exit 130' INT
while :; do
  sleep 15
  t=$(( $(date +%s) - start ))
  alive=0
  for n in $NAMES; do kill -0 "${PID[$n]}" 2>/dev/null && alive=$((alive + 1)); done
  echo "t=${t}s running=$alive | $first: $(grep '^step' "$OUT/train-$first.log" | tail -1 | cut -c1-100)"
  [ "$alive" = 0 ] && break
  if [ "$t" -ge 120 ] && ! grep -q '^step' "$OUT"/train-*.log; then
    echo "infogan_sweep: no run reached a step in 120 s; the first log ends:" >&2
    stop_all KILL
    tail -20 "$OUT/train-$first.log" >&2
    exit 1
  fi
  if [ "$t" -ge "$DEADLINE" ]; then stop_all TERM; break; fi
done
wait
echo "trained for $(( $(date +%s) - start )) s"

for n in $NAMES; do
  timeout 300 "$B" eval --run "$OUT/$n" --json > "$OUT/eval-$n.json" 2> "$OUT/eval-$n.err" &
done
wait
python3 - "$OUT" $NAMES > "$OUT/summary.txt" <<'PY'
import json, sys
out, names = sys.argv[1], sys.argv[2:]
rows = []
for n in names:
    try:
        r = json.load(open(f"{out}/eval-{n}.json"))
        i = r["infogan"]
        rows.append((i["generated_accuracy"], n, r.get("step"), i["real_accuracy"],
                     r["samples"]["classifier_score"], r["samples"]["frechet_distance"], i["generated_mapping"]))
    except (OSError, ValueError, KeyError) as e:
        print(f"{n}: not scored ({e}): {open(f'{out}/eval-{n}.err').read()[-300:]}")
rows.sort(reverse=True)
for r in rows:
    print(f"{r[1]} step {r[2]}: code accuracy on samples {100*r[0]:.2f}%, on real digits (Q) {100*r[3]:.2f}%, "
          f"classifier score {r[4]:.2f}, FD {r[5]:.1f}, code -> digit {r[6]}")
open(f"{out}/best", "w").write(" ".join(r[1] for r in rows[:2]))
PY
cat "$OUT/summary.txt"
for n in $(cat "$OUT/best"); do
  "$B" export --run "$OUT/$n" --out "$OUT/export-$n" > /dev/null || continue
  if [ "${PACK:-}" = 1 ]; then tar -C "$OUT" -cf "$OUT/export-$n.tar" "export-$n"; fi
  echo "exported $OUT/$n to $OUT/export-$n"
done
