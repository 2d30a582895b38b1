#!/usr/bin/env bash
# FID against iterations for several seeds, with and without EMA (both are evaluated in the same run):
#   tools/quality-curve.sh [--seeds "1 2 3"] [--iterations N] [--eval-every N] [--threads N] [--parallel] [--out DIR] [-- extra train options]
# Offline (not in CI): each run trains the default DCGAN with --ema and writes runs under DIR/seedS; the table of
# FID (G and G_ema) per evaluation and seed is printed by tools/quality_table.py and written to DIR/fid.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="1 2 3"; iterations=6000; every=500; threads=""; parallel=0; out=runs/quality-curve; ema=0.999
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2;;
    --iterations) iterations="$2"; shift 2;;
    --eval-every) every="$2"; shift 2;;
    --threads) threads="$2"; shift 2;;
    --ema) ema="$2"; shift 2;;
    --parallel) parallel=1; shift;;
    --out) out="$2"; shift 2;;
    --) shift; break;;
    *) echo "quality-curve: unknown option $1" >&2; exit 2;;
  esac
done
dotnet build -c Release src/GpuGan.Cli >/dev/null
cli=(dotnet src/GpuGan.Cli/bin/Release/net10.0/GpuGan.Cli.dll)
mkdir -p "$out"
pids=()
for s in $seeds; do
  args=(train --seed "$s" --iterations "$iterations" --ema "$ema" --eval-every "$every" --out "$out/seed$s"
        --sample-every "$every" --checkpoint-every "$iterations" --log-every 100 "$@")
  [[ -n "$threads" ]] && args+=(--threads "$threads")
  if [[ $parallel == 1 ]]; then "${cli[@]}" "${args[@]}" > "$out/seed$s.log" 2>&1 & pids+=($!)
  else "${cli[@]}" "${args[@]}" > "$out/seed$s.log" 2>&1; fi
done
for p in "${pids[@]}"; do wait "$p"; done
python3 tools/quality_table.py "$out" | tee "$out/fid.md"
