#!/usr/bin/env bash
# Prints the path of NVIDIA's ptxas 11.8 (PTX assembler), fetching it once into a cache.
# ptxas comes from Debian 12's nvidia-cuda-toolkit package (component non-free): the .deb is downloaded with a
# private apt source list and state folder, so the system's apt configuration is neither read for sources nor
# changed; only usr/bin/ptxas is kept (19 MB, needs only glibc). No GPU or driver is needed to run it.
# Cache: ${XDG_CACHE_HOME:-~/.cache}/gpugan/ptxas. With --with-disasm also keeps cuobjdump and nvdisasm.
set -euo pipefail

version="11.8.89~11.8.0-5~deb12u1"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/gpugan/ptxas"
want=(ptxas)
[[ "${1:-}" == "--with-disasm" ]] && want=(ptxas cuobjdump nvdisasm)

have_all() { for b in "${want[@]}"; do [[ -x "$cache/$b" ]] || return 1; done; }
if have_all && "$cache/ptxas" --version 2>/dev/null | grep -q "V11.8.89"; then
  echo "$cache/ptxas"
  exit 0
fi

command -v apt-get >/dev/null || { echo "fetch-ptxas: apt-get not found (Debian/Ubuntu only); set GPUGAN_PTXAS to a ptxas instead" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$cache"
cat > "$work/sources.list" <<LIST
deb http://deb.debian.org/debian bookworm non-free
LIST
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
          -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "Debug::NoLocking=1"
          -o "APT::Sandbox::User=root" -q)
echo "fetch-ptxas: downloading nvidia-cuda-toolkit $version (84 MB) for ptxas" >&2
apt-get "${apt_opts[@]}" update >&2
(cd "$work" && apt-get "${apt_opts[@]}" download "nvidia-cuda-toolkit=$version" >&2)
deb="$(ls "$work"/nvidia-cuda-toolkit_*.deb)"
paths=()
for b in "${want[@]}"; do paths+=("./usr/bin/$b"); done
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" "${paths[@]}"
for b in "${want[@]}"; do install -m 0755 "$work/usr/bin/$b" "$cache/$b"; done
"$cache/ptxas" --version | grep -q "V11.8.89" || { echo "fetch-ptxas: the extracted ptxas does not run" >&2; exit 1; }
echo "$cache/ptxas"
