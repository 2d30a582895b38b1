#!/usr/bin/env bash
# shellcheck disable=SC2317  # the step functions are called through "step ID NAME FUNCTION"
# GpuGan's GPU check: everything worth knowing from a few minutes on a machine with an NVIDIA GPU and its
# driver, and nothing else (no .NET, no CUDA toolkit, no network needed).
#
#   tools/gpu-check.sh [--out DIR] [--budget SECONDS] [--skip STEPS] [--iterations N] [--force-gpu-steps]
#
# Runs from the unpacked package of tools/make-gpu-package.sh (its own .NET runtime, the published CLI, the
# kernels' PTX, ptxas 11.8), or from a repository checkout with `dotnet` on PATH (builds the CLI once).
# Steps, each timed, given a timeout and logged to the results folder (--out, else $OUT, else
# ./gpu-check-results); a failed step is recorded and the check goes on:
#   a  nvidia-smi: card, driver, memory, compute capability
#   b  libcuda.so: a private symlink on LD_LIBRARY_PATH when the machine has only libcuda.so.1
#   c  gpugan devices
#   p  the kernels' PTX (from the package, else written by `gpugan kernels --ptx`)
#   d  ptxas -v on every kernel for the card's arch: registers, stack, spills (machine's ptxas and the carried 11.8)
#   e  the driver JIT's log for every kernel (tools/cuda_jit_log.py, ctypes on libcuda)
#   f  gpugan check --device cuda: the operator case table on the GPU
#   g  20 seeded iterations on cuda and on cpu, largest loss difference
#   h  gpugan profile --device cuda
#   i  a timed training run on cuda: steady images/s
#   l  GpuGan.Bench gemm --device cuda: GpuGan's GEMM at the DCGAN step's shapes against cuBLAS (else torch.matmul),
#      GFLOP/s, ratio and largest relative difference (libcublas from torch's pip wheel put on LD_LIBRARY_PATH if found)
#   m  GpuGan.Bench train --device cuda: GpuGan against PyTorch (tools/dcgan_torch.py) at batch 64 and 256
#   j  the same DCGAN in PyTorch eager (tools/dcgan_torch.py), if torch imports
# then one summary table, also written to summary.md. Steps that need the GPU are skipped, with the reason,
# when there is no NVIDIA driver (--force-gpu-steps runs them anyway). --budget (default 480 s) caps the
# whole check: each step's timeout is cut to what is left, and steps that no longer fit are skipped.
set -uo pipefail    # no -e: a failing step is recorded, and the summary always prints
export LC_ALL=C
ulimit -c 0 2> /dev/null || true

usage() { sed -n '3,/^set -uo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }

budget=480
skip=""
force_gpu=0
train_iterations=300
out_arg=""
while (($#)); do
    case "$1" in
        --out) out_arg=${2:?--out needs a folder}; shift 2 ;;
        --budget) budget=${2:?--budget needs seconds}; shift 2 ;;
        --skip) skip=${2:?--skip needs step letters, e.g. f,h}; shift 2 ;;
        --iterations) train_iterations=${2:?--iterations needs a number}; shift 2 ;;
        --force-gpu-steps) force_gpu=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "gpu-check.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$budget" =~ ^[0-9]+$ && "$train_iterations" =~ ^[0-9]+$ ]] || { echo "gpu-check.sh: --budget and --iterations take whole numbers" >&2; exit 2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
res=${out_arg:-${OUT:-./gpu-check-results}}
mkdir -p "$res" || { echo "gpu-check.sh: cannot create $res" >&2; exit 1; }
res=$(cd "$res" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")

now() { date +%s.%N; }
t_start=$(now)
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
remaining() { awk -v a="$t_start" -v b="$(now)" -v t="$budget" 'BEGIN { r = t - (b - a); printf "%d", (r < 0 ? 0 : r) }'; }

# tmo SECONDS CMD...: CMD under timeout, cut to the budget left (TERM, then KILL 10 s later).
tmo() {
    local t=$1 r
    shift
    r=$(($(remaining) - 5))
    if ((t > r)); then t=$r; fi
    if ((t < 5)); then t=5; fi
    timeout -k 10 "$t" "$@"
}
# last_summary LOG: the `summary: ` line a helper script printed, if any.
last_summary() { grep -a '^summary: ' "$1" 2> /dev/null | tail -n1 | cut -c10-; }
# summarised LOG LINES SECONDS LABEL CMD...: a helper script under its timeout into LOG, the end of LOG shown;
# FIG is its summary line, else LABEL and why it failed. Returns the script's exit code.
summarised() {
    local log=$1 lines=$2 t=$3 label=$4 rc
    shift 4
    tmo "$t" "$@" > "$log" 2>&1
    rc=$?
    show "$log" "$lines"
    FIG=$(last_summary "$log")
    [[ -n "$FIG" ]] || FIG="$label$(why "$rc" "$log")"
    return "$rc"
}
last_line() { grep -av '^[[:space:]]*$' "$1" 2> /dev/null | tail -n1; }
why() { # why RC LOG: a short reason for a failed command (an unhandled exception's first line rather than its stack)
    local line
    if (($1 == 124 || $1 == 137)); then printf 'timed out'; return; fi
    line=$(grep -a -m1 -E '^(Unhandled exception|gpugan: error:)' "$2" 2> /dev/null)
    printf 'rc %s: %s' "$1" "$(cut -c1-200 <<< "${line:-$(last_line "$2")}")"
}
show() { # show LOG [LINES]: the end of a step's log on the console, indented
    local n=${2:-15}
    if [[ -s "$1" ]]; then tail -n "$n" "$1" | sed 's/^/    /'; fi
}

# --- step bookkeeping -------------------------------------------------------------------------------------
ids=() names=() states=() secs=() figs=()
FIG="" SKIP=""
step() { # step ID NAME FUNCTION
    local id=$1 name=$2 fn=$3 t0 rc state sec
    FIG="" SKIP=""
    if [[ ",$skip," == *",$id,"* || ",$skip," == *",${id%%[0-9]*},"* ]]; then
        state=skipped FIG="--skip $skip" sec=0.0
    elif (($(remaining) < 15)); then
        state=skipped FIG="time budget (${budget} s) spent" sec=0.0
    else
        printf '\n== [%s] %s  (%s s left of the budget)\n' "$id" "$name" "$(remaining)"
        t0=$(now)
        "$fn"
        rc=$?
        sec=$(elapsed "$t0")
        if [[ -n "$SKIP" ]]; then
            state=skipped FIG=$SKIP
        elif ((rc == 0)); then
            state=ok
        else
            state=failed
        fi
    fi
    ids+=("$id") names+=("$name") states+=("$state") secs+=("$sec") figs+=("${FIG:-—}")
    printf -- '-- [%s] %s %s (%s s): %s\n' "$id" "$name" "$state" "$sec" "${FIG:-—}"
}

# --- how to run the CLI -----------------------------------------------------------------------------------
gpugan_cmd=()
bench_cmd=()
bench_reason="not in the package (make-gpu-package.sh publishes it unless GPUGAN_PACKAGE_BENCH=0)"
mode=""
if [[ -x "$root/dotnet/dotnet" && -f "$root/app/GpuGan.Cli.dll" ]]; then
    mode="package"
    export DOTNET_ROOT="$root/dotnet" DOTNET_MULTILEVEL_LOOKUP=0
    gpugan_cmd=("$root/dotnet/dotnet" "$root/app/GpuGan.Cli.dll")
    if [[ -f "$root/bench/GpuGan.Bench.dll" ]]; then bench_cmd=("$root/dotnet/dotnet" "$root/bench/GpuGan.Bench.dll"); fi
elif [[ -f "$root/src/GpuGan.Cli/GpuGan.Cli.csproj" ]]; then
    mode="checkout"
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 PYTHONDONTWRITEBYTECODE=1
export GPUGAN_DEBUG=${GPUGAN_DEBUG:-1}    # an internal error prints its stack trace: nobody has run this on a GPU yet

card="no NVIDIA GPU found" driver="—" gpu_memory="—" arch="" arch_note="" gpu_ok=0 libcuda_ok=0
ptx_dir="" gpugan_ips="" torch_item="" torch_nosync="" torch_where=""

have_cli() { ((${#gpugan_cmd[@]} > 0)); }
need_cli() { if ! have_cli; then SKIP="no GpuGan CLI (${cli_reason:-not built})"; return 1; fi; }
need_gpu() {
    if ((gpu_ok || libcuda_ok || force_gpu)); then return 0; fi
    SKIP="no NVIDIA GPU/driver here (nvidia-smi and libcuda.so.1 not found; --force-gpu-steps runs it anyway)"
    return 1
}
need_python() { if ! command -v python3 > /dev/null; then SKIP="python3 not found"; return 1; fi; }

# --- a: nvidia-smi ----------------------------------------------------------------------------------------
step_a() {
    local log="$res/a-nvidia-smi.log" rc line
    if ! command -v nvidia-smi > /dev/null; then
        FIG="nvidia-smi not found (no NVIDIA driver)"
        echo "$FIG" > "$log"
        return 1
    fi
    tmo 30 nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$log" 2>&1
    rc=$?
    show "$log" 6
    if ((rc != 0)); then FIG="nvidia-smi $(why "$rc" "$log")"; return 1; fi
    line=$(sed -n 2p "$log")
    if [[ -z "$line" ]]; then FIG="nvidia-smi lists no GPU"; return 1; fi
    card=$(cut -d, -f1 <<< "$line" | sed 's/^ *//; s/ *$//')
    driver=$(cut -d, -f2 <<< "$line" | sed 's/^ *//; s/ *$//')
    gpu_memory=$(cut -d, -f3 <<< "$line" | sed 's/^ *//; s/ *$//')
    gpu_ok=1
    local cap
    cap=$(tmo 30 nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2> /dev/null | head -n1 | tr -d ' .\r')
    if [[ "$cap" =~ ^[0-9]+$ ]]; then arch="sm_$cap"; else arch_note="compute_cap not reported by this driver"; fi
    { echo; tmo 30 nvidia-smi 2>&1; } >> "$log"
    FIG="$card, driver $driver, $gpu_memory${arch:+, $arch}"
}

# --- b: libcuda.so ----------------------------------------------------------------------------------------
step_b() {
    local log="$res/b-libcuda.log" so1="" so="" d
    {
        echo "ldconfig -p | grep libcuda:"
        ldconfig -p 2> /dev/null | grep 'libcuda\.so' || echo "  (none)"
    } > "$log"
    so=$(ldconfig -p 2> /dev/null | awk '$1 == "libcuda.so" { print $NF; exit }')
    so1=$(ldconfig -p 2> /dev/null | awk '$1 == "libcuda.so.1" { print $NF; exit }')
    for d in ${LD_LIBRARY_PATH:+${LD_LIBRARY_PATH//:/ }} /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/nvidia/lib64 \
        /usr/local/nvidia/lib /usr/lib/wsl/lib /usr/local/cuda/compat /usr/local/cuda/lib64/stubs; do
        [[ -z "$so1" && -e "$d/libcuda.so.1" && "$d" != */stubs ]] && so1="$d/libcuda.so.1"
        [[ -z "$so" && -e "$d/libcuda.so" && "$d" != */stubs ]] && so="$d/libcuda.so"
    done
    echo "libcuda.so: ${so:-none}; libcuda.so.1: ${so1:-none}" >> "$log"
    sed 's/^/    /' "$log"
    if [[ -n "$so" ]]; then
        libcuda_ok=1
        FIG="libcuda.so found ($so)"
    elif [[ -n "$so1" ]]; then
        mkdir -p "$scratch/libcuda"
        ln -sf "$so1" "$scratch/libcuda/libcuda.so"
        export LD_LIBRARY_PATH="$scratch/libcuda${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
        libcuda_ok=1
        FIG="only libcuda.so.1 ($so1): linked as libcuda.so in a private folder on LD_LIBRARY_PATH"
    else
        FIG="no libcuda.so.1: the NVIDIA driver's CUDA library is not installed"
        return 1
    fi
}

# --- build (checkout only) --------------------------------------------------------------------------------
cli_reason=""
step_build() {
    local log="$res/build.log" rc dll="$root/src/GpuGan.Cli/bin/Release/net10.0/GpuGan.Cli.dll"
    if ! command -v dotnet > /dev/null; then
        cli_reason="a checkout without dotnet on PATH: build the package with tools/make-gpu-package.sh"
        FIG=$cli_reason
        return 1
    fi
    tmo 300 dotnet build -c Release "$root/src/GpuGan.Cli/GpuGan.Cli.csproj" -nologo -v quiet > "$log" 2>&1
    rc=$?
    show "$log" 5
    if ((rc != 0)) || [[ ! -f "$dll" ]]; then
        cli_reason="the build failed"
        FIG="dotnet build $(why "$rc" "$log")"
        return 1
    fi
    gpugan_cmd=(dotnet "$dll")
    FIG="built $(dotnet --version 2> /dev/null | head -n1 | sed 's/^/SDK /')"
    # The benchmark (steps l, m) needs TorchSharp's package too: a failure here only skips those steps.
    local bdll="$root/src/GpuGan.Bench/bin/Release/net10.0/linux-x64/GpuGan.Bench.dll"
    if tmo 300 dotnet build -c Release "$root/src/GpuGan.Bench/GpuGan.Bench.csproj" -nologo -v quiet >> "$log" 2>&1 && [[ -f "$bdll" ]]; then
        bench_cmd=(dotnet "$bdll")
        FIG="$FIG; GpuGan.Bench built"
    else
        bench_reason="dotnet build src/GpuGan.Bench failed (see build.log)"
        FIG="$FIG; GpuGan.Bench not built"
    fi
}

# --- c: gpugan devices ------------------------------------------------------------------------------------
step_c() {
    need_cli || return 0
    local log="$res/c-devices.log" rc chosen ncuda
    tmo 120 "${gpugan_cmd[@]}" devices > "$log" 2>&1
    rc=$?
    show "$log" 12
    if ((rc != 0)); then FIG="gpugan devices $(why "$rc" "$log")"; return 1; fi
    chosen=$(grep 'chosen by --device auto' "$log" | awk '{ print $1 }' | head -n1)
    ncuda=$(grep -c '^cuda:[0-9]' "$log")
    FIG="$ncuda CUDA device(s); --device auto picks ${chosen:-nothing}"
    # no CUDA device: the CLI's own one-line reason (the `cuda` row)
    if ((ncuda == 0)); then FIG="$FIG; CUDA: $(grep -m1 '^cuda ' "$log" | sed 's/.*skipped: //' | cut -c1-160)"; fi
    if ((gpu_ok && ncuda == 0)); then FIG="$FIG — but nvidia-smi shows $card"; return 1; fi
}

# --- p: the kernels' PTX ----------------------------------------------------------------------------------
step_p() {
    local log="$res/p-ptx.log" rc n args=()
    if compgen -G "$root/ptx/*.ptx" > /dev/null; then
        ptx_dir="$root/ptx"
        n=$(find "$ptx_dir" -maxdepth 1 -name '*.ptx' | wc -l)
        FIG="$n kernels' PTX from the package"
        ls -l "$ptx_dir" > "$log"
        return 0
    fi
    need_cli || return 0
    if [[ "$arch" == sm_80 || "$arch" == sm_90 ]]; then args=(--arch "$arch"); fi
    rm -rf "$res/ptx"
    tmo 180 "${gpugan_cmd[@]}" kernels --ptx "$res/ptx" "${args[@]}" > "$log" 2>&1
    rc=$?
    show "$log" 4
    n=$(find "$res/ptx" -maxdepth 1 -name '*.ptx' 2> /dev/null | wc -l)
    if ((rc != 0 || n == 0)); then FIG="no PTX: gpugan kernels --ptx $(why "$rc" "$log")"; return 1; fi
    ptx_dir="$res/ptx"
    FIG="$n kernels' PTX written by gpugan kernels --ptx ${args[*]}"
}

# --- d: ptxas -v ------------------------------------------------------------------------------------------
step_d() {
    if [[ -z "$ptx_dir" ]]; then SKIP="no PTX (step p)"; return 0; fi
    need_python || return 0
    local log="$res/d-ptxas.log" rc=0 rc2 machine="" carried="" target=${arch:-sm_90} first="" second=""
    : > "$log"
    machine=$(command -v ptxas || true)
    if [[ -z "$machine" && -x /usr/local/cuda/bin/ptxas ]]; then machine=/usr/local/cuda/bin/ptxas; fi
    if [[ -x "$root/bin/ptxas" ]]; then carried="$root/bin/ptxas"
    elif [[ -n "${GPUGAN_PTXAS:-}" && -x "${GPUGAN_PTXAS}" ]]; then carried=$GPUGAN_PTXAS
    elif [[ -f "$here/fetch-ptxas.sh" ]]; then carried=$(tmo 240 bash "$here/fetch-ptxas.sh" 2>> "$log" | tail -n1)
    fi
    if [[ -n "$machine" && -n "$carried" && "$(readlink -f "$machine")" == "$(readlink -f "$carried")" ]]; then carried=""; fi
    if [[ -z "$machine" && -z "$carried" ]]; then FIG="no ptxas (not on PATH, not in /usr/local/cuda/bin, not carried)"; return 1; fi
    [[ -n "$arch" ]] || echo "no GPU arch detected: assuming $target" >> "$log"
    if [[ -n "$machine" ]]; then
        tmo 180 python3 "$here/ptxas_table.py" --ptxas "$machine" --arch "$target" --logs "$res/ptxas-machine" \
            --json "$res/ptxas-machine.json" "$ptx_dir" >> "$log" 2>&1
        rc=$?
        first="machine's ptxas: $(last_summary "$log")"
    fi
    if [[ -n "$carried" ]]; then
        echo >> "$log"
        tmo 180 python3 "$here/ptxas_table.py" --ptxas "$carried" --arch "$target" --logs "$res/ptxas-carried" \
            --json "$res/ptxas-carried.json" "$ptx_dir" >> "$log" 2>&1
        rc2=$?
        second="carried ptxas: $(last_summary "$log")"
        if [[ -z "$machine" ]]; then rc=$rc2; fi
    fi
    show "$log" 60
    if [[ -n "$first" && -n "$second" ]] && python3 - "$res/ptxas-machine.json" "$res/ptxas-carried.json" 2> /dev/null << 'EOF'
import json, sys
rows = lambda p: [(r["kernel"], r["result"], r.get("registers"), r.get("stack"), r.get("spill_stores"), r.get("spill_loads"))
                  for r in json.load(open(p))["kernels"]]
sys.exit(0 if rows(sys.argv[1]) == rows(sys.argv[2]) else 1)
EOF
    then
        second="carried ptxas: the same registers, stack and spills"
    fi
    FIG="${first}${first:+${second:+ | }}${second}"
    [[ -n "$arch" ]] || FIG="$FIG (arch $target assumed: no GPU)"
    return "$rc"
}

# --- e: the driver JIT's log ------------------------------------------------------------------------------
step_e() {
    if [[ -z "$ptx_dir" ]]; then SKIP="no PTX (step p)"; return 0; fi
    need_python || return 0
    need_gpu || return 0
    summarised "$res/e-jit.log" 40 180 "cuda_jit_log.py " \
        python3 "$here/cuda_jit_log.py" --logs "$res/jit" --json "$res/jit.json" "$ptx_dir"
}

# --- f: gpugan check --------------------------------------------------------------------------------------
step_f() {
    need_cli || return 0
    need_gpu || return 0
    local log="$res/f-check.log" rc
    tmo 240 "${gpugan_cmd[@]}" check --device cuda > "$log" 2>&1
    rc=$?
    show "$log" 25
    FIG="exit $rc: $(last_line "$log" | cut -c1-200)"
    if ((rc == 124 || rc == 137)); then FIG="timed out; last line: $(last_line "$log" | cut -c1-160)"; fi
    return "$rc"
}

# --- g: 20 seeded iterations, cuda against cpu ------------------------------------------------------------
# A run's checkpoints (11 MB each) are of no use here and would only weigh on what comes back from the machine.
drop_checkpoints() { rm -rf "$1/checkpoints"; }
train_args=(--iterations 20 --log-every 1 --seed 1 --sample-every 1000 --checkpoint-every 1000)
# train20 DEVICE: the 20 seeded iterations on one device (cpu needs no GPU)
train20() {
    local dev=$1 log="$res/g-train-$1.log" rc
    need_cli || return 0
    if [[ "$dev" != cpu ]]; then need_gpu || return 0; fi
    rm -rf "$res/train20-$dev"
    tmo 180 "${gpugan_cmd[@]}" train --device "$dev" "${train_args[@]}" --out "$res/train20-$dev" > "$log" 2>&1
    rc=$?
    drop_checkpoints "$res/train20-$dev"
    show "$log" 6
    FIG=$(grep -a '^finished' "$log" | tail -n1)
    if [[ -n "$FIG" && "$dev" != cpu ]]; then FIG="$FIG on $card"; fi
    [[ -n "$FIG" ]] || FIG="train --device $dev $(why "$rc" "$log")"
    return "$rc"
}
step_g_cpu() { train20 cpu; }
step_g_cuda() { train20 cuda; }
step_g_compare() {
    need_python || return 0
    if [[ ! -s "$res/train20-cuda/metrics.jsonl" ]]; then SKIP="no cuda run to compare (step g2)"; return 0; fi
    if [[ ! -s "$res/train20-cpu/metrics.jsonl" ]]; then SKIP="no cpu run to compare (step g1)"; return 0; fi
    summarised "$res/g-compare.log" 24 30 "" python3 "$here/gpu_check_metrics.py" compare \
        "$res/train20-cuda/metrics.jsonl" "$res/train20-cpu/metrics.jsonl" --names cuda,cpu
}

# --- h: gpugan profile ------------------------------------------------------------------------------------
step_h() {
    need_cli || return 0
    need_gpu || return 0
    local log="$res/h-profile.log" rc
    tmo 180 "${gpugan_cmd[@]}" profile --device cuda --out "$res/profile" > "$log" 2>&1
    rc=$?
    show "$log" 45
    FIG=$(grep -a '^profile:' "$log" | tail -n1 | cut -c10-)
    [[ -n "$FIG" ]] || FIG="gpugan profile $(why "$rc" "$log")"
    return "$rc"
}

# --- i: a timed training run ------------------------------------------------------------------------------
step_i() {
    need_cli || return 0
    need_gpu || return 0
    need_python || return 0
    local log="$res/i-train-cuda.log" rc
    rm -rf "$res/train-timed"
    tmo 240 "${gpugan_cmd[@]}" train --device cuda --iterations "$train_iterations" --log-every 10 --seed 1 \
        --sample-every 1000000 --checkpoint-every 1000000 --out "$res/train-timed" > "$log" 2>&1
    rc=$?
    drop_checkpoints "$res/train-timed"
    show "$log" 6
    if [[ -s "$res/train-timed/metrics.jsonl" ]]; then
        python3 "$here/gpu_check_metrics.py" steady "$res/train-timed/metrics.jsonl" --skip 3 >> "$log" 2>&1
        show "$log" 2
        gpugan_ips=$(last_summary "$log" | awk '{ print $1 }')
    fi
    if ((rc != 0)); then FIG="train --device cuda $(why "$rc" "$log")"; return "$rc"; fi
    FIG="GpuGan on $card: $(last_summary "$log")"
}

# --- l, m: GpuGan.Bench against cuBLAS / PyTorch on the GPU ------------------------------------------------
need_bench() { if ((${#bench_cmd[@]} == 0)); then SKIP="no GpuGan.Bench ($bench_reason)"; return 1; fi; }
# cublas_dir: the lib folder of the nvidia-cublas pip wheel torch brings (libcublas.so.12), if python3 has one.
cublas_dir() {
    command -v python3 > /dev/null || return 0
    python3 -c 'import nvidia.cublas as c, os; d = os.path.join(list(c.__path__)[0], "lib"); print(d if os.path.isdir(d) else "")' 2> /dev/null
}
step_l() {
    need_bench || return 0
    need_gpu || return 0
    local log="$res/l-bench-gemm.log" rc extra
    extra=$(cublas_dir)
    LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}${extra:+:$extra}" GPUGAN_TOOLS="$here" \
        tmo 240 "${bench_cmd[@]}" gemm --device cuda --min-time 0.3 > "$log" 2>&1
    rc=$?
    show "$log" 30
    FIG="$(grep -a -m1 '^peer: ' "$log" | cut -c7-90)${extra:+ (libcublas from $extra)}; $(grep -a '^sum of medians' "$log" | tr -s ' ' | cut -c1-120)"
    grep -aq '^MISMATCH' "$log" && FIG="$(grep -a '^MISMATCH' "$log" | cut -c1-160)"
    if ((rc != 0)) && ! grep -aq '^MISMATCH' "$log"; then FIG="bench gemm $(why "$rc" "$log")"; fi
    return "$rc"
}
step_m() {
    need_bench || return 0
    need_gpu || return 0
    local log="$res/m-bench-train.log" rc
    GPUGAN_TOOLS="$here" tmo 300 "${bench_cmd[@]}" train --device cuda --batch-size 64,256 > "$log" 2>&1
    rc=$?
    show "$log" 16
    FIG=$(grep -a -E '^ *[0-9]+  median ms/iteration' "$log" | tr -s ' ' | sed 's/^ //' | paste -sd ';' - | cut -c1-200)
    grep -aq '^PyTorch : not measured' "$log" && FIG="$FIG; $(grep -a '^PyTorch : not measured' "$log" | cut -c11-140)"
    if ((rc != 0)); then FIG="bench train $(why "$rc" "$log")"; fi
    return "$rc"
}

# --- j: PyTorch eager -------------------------------------------------------------------------------------
step_j() {
    need_python || return 0
    local log="$res/j-torch.log" rc device=cuda extra=()
    if ! python3 -c 'import torch' > "$log" 2>&1; then
        SKIP="PyTorch not importable ($(last_line "$log" | cut -c1-120))"
        return 0
    fi
    if ! ((gpu_ok || libcuda_ok || force_gpu)); then
        device=cpu extra=(--iterations 5 --warmup 1)     # a dry run of the script on a machine without a GPU
    fi
    tmo 240 python3 "$here/dcgan_torch.py" --device "$device" "${extra[@]}" --json "$res/torch.json" > "$log" 2>&1
    rc=$?
    show "$log" 8
    if ((rc != 0)); then FIG="dcgan_torch.py $(why "$rc" "$log")"; return "$rc"; fi
    torch_where=$device
    torch_item=$(python3 -c 'import json,sys; print("%.0f" % json.load(open(sys.argv[1]))["modes"]["item"]["images_per_second"])' "$res/torch.json" 2> /dev/null)
    torch_nosync=$(python3 -c 'import json,sys; print("%.0f" % json.load(open(sys.argv[1]))["modes"]["nosync"]["images_per_second"])' "$res/torch.json" 2> /dev/null)
    FIG="$(last_summary "$log")"
    # an `if`, not `[[ ]] &&`: the step's status is its last command's (a false test marked the step failed)
    if [[ "$device" == cuda ]]; then FIG="$FIG on $card"; else FIG="$FIG (cpu dry run: no GPU here)"; fi
}

# --- k: summary -------------------------------------------------------------------------------------------
summary_done=0
summary() {
    ((summary_done)) && return
    summary_done=1
    local md="$res/summary.md" i ratio=""
    if [[ -n "$gpugan_ips" && -n "$torch_item" && "$torch_where" == cuda ]]; then
        ratio=$(awk -v g="$gpugan_ips" -v a="$torch_item" -v b="$torch_nosync" \
            'BEGIN { printf "GpuGan / PyTorch: %.2f (item), %.2f (nosync)", g / a, g / b }')
    fi
    {
        echo "# GpuGan GPU check: $card"
        echo
        echo "card: $card; driver: $driver; memory: $gpu_memory; arch: ${arch:-unknown}${arch_note:+ ($arch_note)}"
        echo "run from: ${mode:-nothing runnable} ($root); $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -n); total $(elapsed "$t_start") s of a ${budget} s budget"
        if [[ -f "$root/MANIFEST.txt" ]]; then echo "package: $(grep -E '^(commit|built):' "$root/MANIFEST.txt" | tr -s ' ' | paste -sd ';' -)"; fi
        echo
        echo "| step | what | result | seconds | key figure |"
        echo "|---|---|---|---|---|"
        for i in "${!ids[@]}"; do
            printf '| %s | %s | %s | %s | %s |\n' "${ids[$i]}" "${names[$i]}" "${states[$i]}" "${secs[$i]}" "${figs[$i]//|/\\|}"
        done
        echo
        echo "GpuGan images/s (cuda, $card): ${gpugan_ips:-not measured}; PyTorch eager${torch_where:+ ($torch_where)}: ${torch_item:-not measured} (item), ${torch_nosync:-not measured} (nosync)${ratio:+; $ratio}"
        echo "logs: $res"
    } > "$md"
    printf '\n'
    cat "$md"
}
on_exit() {
    summary
    rm -rf "$scratch"
}
trap on_exit EXIT
trap 'echo "gpu-check.sh: interrupted" >&2; exit 130' INT TERM

# --- the check --------------------------------------------------------------------------------------------
{
    echo "gpu-check.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n) ($(uname -srm))"
    echo "mode: ${mode:-none}; root: $root; results: $res; budget: $budget s"
    [[ -f /etc/os-release ]] && grep -E '^PRETTY_NAME=' /etc/os-release
    [[ -f "$root/MANIFEST.txt" ]] && cat "$root/MANIFEST.txt"
    command -v python3 > /dev/null && python3 --version 2>&1
} | tee "$res/env.txt"

step a "nvidia-smi" step_a
step b "libcuda.so" step_b
if [[ "$mode" == checkout ]]; then step build "dotnet build" step_build; fi
if [[ -z "$mode" ]]; then cli_reason="neither a package (dotnet/, app/) nor a checkout (src/) beside tools/"; fi
step c "gpugan devices" step_c
step p "kernel PTX" step_p
step d "ptxas -v" step_d
step e "driver JIT log" step_e
step f "gpugan check --device cuda" step_f
step g1 "train 20 iterations, cpu" step_g_cpu
step g2 "train 20 iterations, cuda" step_g_cuda
step g3 "loss difference cuda vs cpu" step_g_compare
step l "bench gemm --device cuda (vs cuBLAS / torch.matmul)" step_l
step m "bench train --device cuda (vs PyTorch, batch 64, 256)" step_m
step h "gpugan profile --device cuda" step_h
step i "train $train_iterations iterations, cuda" step_i
step j "PyTorch eager DCGAN" step_j
# the summary (step k) prints on exit, whatever happened above
failed=0
for s in "${states[@]}"; do [[ "$s" == failed ]] && failed=$((failed + 1)); done
exit $((failed > 0 ? 1 : 0))
