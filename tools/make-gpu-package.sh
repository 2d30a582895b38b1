#!/usr/bin/env bash
# Builds the GPU check package: one archive that runs tools/gpu-check.sh on a machine that has the NVIDIA
# driver but no .NET and no network.
#
#   tools/make-gpu-package.sh [OUT_DIR]        (default OUT_DIR: out/gpu-package, git-ignored)
#
# The archive OUT_DIR/gpugan-gpu-check.tar.xz unpacks to gpugan-gpu-check/:
#   app/      framework-dependent `dotnet publish -c Release` of src/GpuGan.Cli (nothing trimmed)
#   bench/    the same of src/GpuGan.Bench without libtorch's native libraries (~480 MB, over the limit): its GPU
#             commands (gemm/train --device cuda, peers cuBLAS and python's torch) never load TorchSharp
#   dotnet/   this machine's .NET runtime: the dotnet host, host/fxr and shared/Microsoft.NETCore.App/<version>
#   ptx/      the PTX of every kernel (`gpugan kernels --ptx`), if this build has that command
#   bin/      NVIDIA's ptxas 11.8 (tools/fetch-ptxas.sh, else $GPUGAN_PTXAS, else ptxas on PATH), if found
#   tools/    gpu-check.sh and its Python scripts
#   MANIFEST.txt
# It prints the archive's size and refuses (exit 1) an archive over 64 MiB, the most a GPU machine is carried
# (GPUGAN_PACKAGE_LIMIT_MIB changes that limit).
# GPUGAN_REQUIRE_PTX=1 makes a missing `kernels` command or ptxas fatal instead of a warning;
# GPUGAN_PTX_DIR=DIR packages ready-made .ptx files instead of running `gpugan kernels --ptx`.
set -euo pipefail

limit_mib=${GPUGAN_PACKAGE_LIMIT_MIB:-64}
[[ "$limit_mib" =~ ^[0-9]+$ ]] || { echo "make-gpu-package: error: GPUGAN_PACKAGE_LIMIT_MIB must be a whole number" >&2; exit 1; }
limit_bytes=$((limit_mib * 1024 * 1024))
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out_dir=${1:-"$repo/out/gpu-package"}
name=gpugan-gpu-check
require_ptx=${GPUGAN_REQUIRE_PTX:-0}

say() { printf 'make-gpu-package: %s\n' "$*"; }
die() { printf 'make-gpu-package: error: %s\n' "$*" >&2; exit 1; }
warn() {
    printf '\nmake-gpu-package: WARNING: %s\n\n' "$*" >&2
    if [[ "$require_ptx" == 1 ]]; then die "GPUGAN_REQUIRE_PTX=1: $*"; fi
}
human() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
dir_bytes() { du -sb "$1" | cut -f1; }

command -v dotnet > /dev/null || die "dotnet not found on PATH (the .NET 10 SDK builds the package)"
command -v xz > /dev/null || die "xz not found (apt-get install xz-utils)"
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/gpugan-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
stage="$work/$name"
mkdir -p "$stage/app" "$stage/dotnet" "$stage/tools" "$stage/bin"

# 1. The application: framework-dependent, portable (no RID), nothing trimmed, no apphost (run as `dotnet app.dll`).
say "dotnet publish -c Release src/GpuGan.Cli"
dotnet publish "$repo/src/GpuGan.Cli/GpuGan.Cli.csproj" -c Release --no-self-contained \
    -p:UseAppHost=false -p:PublishTrimmed=false -o "$stage/app" -nologo -v quiet \
    || die "dotnet publish failed"
[[ -f "$stage/app/GpuGan.Cli.dll" ]] || die "publish produced no GpuGan.Cli.dll"
rm -f "$stage/app/"*.pdb

# 1b. The benchmark, for `gemm --device cuda` and `train --device cuda` (GPU-check steps l and m). Its CPU commands
# need libtorch, left out here; GPUGAN_PACKAGE_BENCH=0 leaves the whole benchmark out.
bench_note="not packaged"
if [[ "${GPUGAN_PACKAGE_BENCH:-1}" == 1 ]]; then
    say "dotnet publish -c Release src/GpuGan.Bench (without libtorch's native libraries)"
    if dotnet publish "$repo/src/GpuGan.Bench/GpuGan.Bench.csproj" -c Release --no-self-contained \
        -p:UseAppHost=false -p:PublishTrimmed=false -o "$stage/bench" -nologo -v quiet > "$work/bench.log" 2>&1 \
        && [[ -f "$stage/bench/GpuGan.Bench.dll" ]]; then
        find "$stage/bench" -maxdepth 1 -name '*.so*' -delete
        rm -f "$stage/bench/"*.pdb
        bench_note="GpuGan.Bench, GPU commands only (libtorch's native libraries left out)"
    else
        rm -rf "$stage/bench"
        printf '\nmake-gpu-package: WARNING: no benchmark in the package: dotnet publish src/GpuGan.Bench failed (%s);\n  the GPU check will skip its steps l and m\n\n' "$(tail -n1 "$work/bench.log")" >&2
    fi
fi

# 2. The .NET runtime the app runs on: the newest Microsoft.NETCore.App of the app's major version.
tfm_major=$(sed -n 's/.*"version": *"\([0-9]*\)\..*/\1/p' "$stage/app/GpuGan.Cli.runtimeconfig.json" | head -n1)
[[ -n "$tfm_major" ]] || die "cannot read the framework version from GpuGan.Cli.runtimeconfig.json"
runtime_line=$(dotnet --list-runtimes | grep "^Microsoft.NETCore.App $tfm_major\." | sort -V -k2,2 | tail -n1 || true)
[[ -n "$runtime_line" ]] || die "no Microsoft.NETCore.App $tfm_major.x runtime in 'dotnet --list-runtimes'"
runtime_version=$(awk '{print $2}' <<< "$runtime_line")
runtime_shared=$(sed -n 's/.*\[\(.*\)\]$/\1/p' <<< "$runtime_line")
dotnet_root=$(cd "$runtime_shared/../.." && pwd)
[[ -x "$dotnet_root/dotnet" && -d "$dotnet_root/host/fxr" && -d "$runtime_shared/$runtime_version" ]] \
    || die "unexpected .NET layout under $dotnet_root"
say "runtime Microsoft.NETCore.App $runtime_version from $dotnet_root"
cp -p "$dotnet_root/dotnet" "$stage/dotnet/"
cp -a "$dotnet_root/host" "$stage/dotnet/"
mkdir -p "$stage/dotnet/shared/Microsoft.NETCore.App"
cp -a "$runtime_shared/$runtime_version" "$stage/dotnet/shared/Microsoft.NETCore.App/"
for f in LICENSE.txt ThirdPartyNotices.txt; do
    if [[ -f "$dotnet_root/$f" ]]; then cp -p "$dotnet_root/$f" "$stage/dotnet/"; fi
done

# The packaged app must run on the packaged runtime alone (also proves the publish is complete).
DOTNET_ROOT="$stage/dotnet" DOTNET_MULTILEVEL_LOOKUP=0 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    "$stage/dotnet/dotnet" "$stage/app/GpuGan.Cli.dll" --help > /dev/null \
    || die "the packaged app does not start on the packaged runtime"

# 3. PTX of every kernel ($GPUGAN_PTX_DIR: take ready-made .ptx files from there instead).
ptx_count=0
if [[ -n "${GPUGAN_PTX_DIR:-}" ]]; then
    compgen -G "$GPUGAN_PTX_DIR/*.ptx" > /dev/null || die "GPUGAN_PTX_DIR=$GPUGAN_PTX_DIR holds no .ptx file"
    mkdir -p "$stage/ptx"
    cp -p "$GPUGAN_PTX_DIR"/*.ptx "$stage/ptx/"
    ptx_count=$(find "$stage/ptx" -maxdepth 1 -name '*.ptx' | wc -l)
    say "PTX: $ptx_count kernels from \$GPUGAN_PTX_DIR ($GPUGAN_PTX_DIR)"
elif DOTNET_ROOT="$stage/dotnet" "$stage/dotnet/dotnet" "$stage/app/GpuGan.Cli.dll" kernels --ptx "$stage/ptx" \
        > "$work/kernels.log" 2>&1; then
    ptx_count=$(find "$stage/ptx" -maxdepth 1 -name '*.ptx' | wc -l)
    if [[ "$ptx_count" -eq 0 ]]; then warn "'gpugan kernels --ptx' wrote no .ptx file"; fi
    say "PTX: $ptx_count kernels"
else
    rm -rf "$stage/ptx"
    warn "no PTX in the package: 'gpugan kernels --ptx' failed ($(tail -n1 "$work/kernels.log")).
  The GPU check will try to write the PTX on the GPU machine with the packaged CLI, and skip the ptxas
  and driver-JIT steps if it cannot."
fi

# 4. ptxas 11.8 (the GPU machine's own ptxas is preferred by gpu-check.sh when it has one).
ptxas=""
if [[ -f "$repo/tools/fetch-ptxas.sh" ]]; then
    ptxas=$(bash "$repo/tools/fetch-ptxas.sh" | tail -n1) || ptxas=""
    if [[ -z "$ptxas" ]]; then say "tools/fetch-ptxas.sh gave no ptxas; trying \$GPUGAN_PTXAS and PATH"; fi
fi
if [[ -z "$ptxas" && -n "${GPUGAN_PTXAS:-}" ]]; then ptxas=$GPUGAN_PTXAS; fi
if [[ -z "$ptxas" ]]; then ptxas=$(command -v ptxas || true); fi
ptxas_version="none"
if [[ -n "$ptxas" ]] && "$ptxas" --version > "$work/ptxas.version" 2>&1; then
    cp -p "$ptxas" "$stage/bin/ptxas"
    chmod +x "$stage/bin/ptxas"
    ptxas_version=$(grep -o 'release [0-9.]*, V[0-9.]*' "$work/ptxas.version" | head -n1 || true)
    say "ptxas: $ptxas ($ptxas_version)"
else
    rmdir "$stage/bin"
    warn "no ptxas in the package (tools/fetch-ptxas.sh, \$GPUGAN_PTXAS and PATH gave none that runs);
  gpu-check.sh will use the GPU machine's own ptxas"
fi

# 5. The check itself.
for f in gpu-check.sh cuda_jit_log.py ptxas_table.py gpu_check_metrics.py dcgan_torch.py gemm_torch.py; do
    [[ -f "$repo/tools/$f" ]] || die "tools/$f is missing"
    cp -p "$repo/tools/$f" "$stage/tools/"
done
chmod +x "$stage/tools/gpu-check.sh"

commit=$(git -C "$repo" rev-parse --short HEAD 2> /dev/null || echo unknown)
dirty=$(git -C "$repo" status --porcelain --untracked-files=no 2> /dev/null || true)
{
    echo "GpuGan GPU check package"
    echo "built:    $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m)"
    echo "commit:   $commit${dirty:+ (with uncommitted changes)}"
    echo "runtime:  Microsoft.NETCore.App $runtime_version"
    echo "ptx:      $ptx_count files"
    echo "ptxas:    $ptxas_version"
    echo "bench:    $bench_note"
    echo "run:      tar -xJf gpugan-gpu-check.tar.xz && gpugan-gpu-check/tools/gpu-check.sh"
    echo
    echo "uncompressed sizes:"
    for part in app bench dotnet ptx bin tools; do
        if [[ -e "$stage/$part" ]]; then printf '  %-8s %s\n' "$part/" "$(human "$(dir_bytes "$stage/$part")")"; fi
    done
} > "$stage/MANIFEST.txt"

# 6. One archive, xz-compressed.
archive="$out_dir/$name.tar.xz"
rm -f "$archive" "$archive.partial"
say "compressing (xz)"
tar -C "$work" --owner=0 --group=0 --numeric-owner --sort=name -cf - "$name" \
    | xz -6 -T2 > "$archive.partial" || die "tar | xz failed"
mv "$archive.partial" "$archive"
size=$(stat -c %s "$archive")
sed -n '/^uncompressed sizes:/,$p' "$stage/MANIFEST.txt"
say "archive $archive: $(human "$size") ($size bytes; uncompressed $(human "$(dir_bytes "$stage")"))"
if ((size > limit_bytes)); then
    rm -f "$archive"
    printf 'make-gpu-package: error: the archive is %s, over the %s MiB a GPU machine is carried; removed\n' "$(human "$size")" "$limit_mib" >&2
    exit 1
fi
say "ok: unpack with 'tar -xJf $name.tar.xz' and run '$name/tools/gpu-check.sh'"
