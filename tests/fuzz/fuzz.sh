#!/usr/bin/env bash
# Coverage-guided fuzzing of GpuGan's readers with afl-fuzz (Debian's afl++) and SharpFuzz 2.3.0.
#   bash tests/fuzz/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 300 s, every target)
# Builds tests/fuzz/GpuGan.Fuzz, instruments GpuGan.dll and ImageSharp, runs each target for the given time from
# tests/fuzz/corpus/TARGET, prints executions and findings per target, and copies crashing and hanging inputs
# to tests/fuzz/findings/TARGET/ (replayed with the corpus by `dotnet test`, FuzzReplayTests).
# Work files go to $FUZZ_WORK (default /tmp/gpugan-fuzz). Needs root or an installed afl++ for the first run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-300}"; shift || true
work="${FUZZ_WORK:-/tmp/gpugan-fuzz}"

if ! command -v afl-fuzz >/dev/null; then
  echo "installing afl++ (Debian package)"; apt-get install -y afl++ >/dev/null
fi
export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v sharpfuzz >/dev/null; then
  dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

rm -rf "$work/bin"; mkdir -p "$work"
dotnet publish "$here/GpuGan.Fuzz/GpuGan.Fuzz.csproj" -c Release -o "$work/bin" -v quiet -nologo >/dev/null
# Only the code that parses: GpuGan (the readers) and ImageSharp (the decoders). ILGPU, the kernels and the
# framework stay uninstrumented, so afl's coverage map is not flooded by code no input reaches.
for dll in GpuGan.dll SixLabors.ImageSharp.dll; do sharpfuzz "$work/bin/$dll" >/dev/null; done

targets=("$@")
[ ${#targets[@]} -eq 0 ] && mapfile -t targets < <(dotnet "$work/bin/GpuGan.Fuzz.dll" list | awk '{print $1}')

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1
printf '%-12s %10s %8s %8s %7s %6s\n' target executions exec/s paths crashes hangs > "$work/summary.txt"
for t in "${targets[@]}"; do
  out="$work/findings/$t"; rm -rf "$out"; mkdir -p "$work/findings"
  echo "fuzzing $t for ${seconds} s"
  # -t: a read of a seed takes milliseconds; 2 s is a hang. -m none: .NET reserves far more address space than it uses.
  afl-fuzz -i "$here/corpus/$t" -o "$out" -t 2000 -m none -V "$seconds" -- dotnet "$work/bin/GpuGan.Fuzz.dll" "$t" > "$work/$t.log" 2>&1 || {
    echo "afl-fuzz failed for $t:"; tail -n 20 "$work/$t.log"; exit 1; }
  stats="$out/default/fuzzer_stats"
  get() { awk -F: -v k="$1" '$1 ~ "^"k" *$" {gsub(/ /, "", $2); print $2}' "$stats"; }
  printf '%-12s %10s %8s %8s %7s %6s\n' "$t" "$(get execs_done)" "$(get execs_per_sec)" "$(get corpus_count)" \
    "$(get saved_crashes)" "$(get saved_hangs)" >> "$work/summary.txt"
  for kind in crashes hangs; do
    for f in "$out/default/$kind"/id:*; do
      [ -e "$f" ] || continue
      mkdir -p "$here/findings/$t"
      cp "$f" "$here/findings/$t/$kind-$(sha1sum "$f" | cut -c1-12)"
    done
  done
done
cat "$work/summary.txt"
