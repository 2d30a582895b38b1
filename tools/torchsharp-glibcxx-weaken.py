#!/usr/bin/env python3
"""Make TorchSharp's libLibTorchSharp.so load on a libstdc++ older than GCC 13.

libLibTorchSharp.so in TorchSharp-cpu 0.107.0 requires the symbol version
GLIBCXX_3.4.32, which Debian 12's libstdc++ (up to GLIBCXX_3.4.30) lacks, so
dlopen fails.  The only symbol bound to that version is
std::ios_base_library_init() (_ZSt21ios_base_library_initv), an undefined
reference that GCC 13's <iostream> emits and that is never called.  Setting
VER_FLG_WEAK (0x2) on that version's Vernaux entry in .gnu.version_r turns the
missing version into a warning for the dynamic loader.

Usage: torchsharp-glibcxx-weaken.py FILE.so [--version GLIBCXX_3.4.32]

Idempotent: a file already patched (or without that requirement) is left as
it is.  Refuses (exit 2) when any other symbol uses that version.  Standard
library only.
"""
import os
import shutil
import struct
import sys

SHT_DYNSYM = 11
SHT_GNU_VERNEED = 0x6FFFFFFE
SHT_GNU_VERSYM = 0x6FFFFFFF
VER_FLG_WEAK = 0x2
ALLOWED_SYMBOLS = {"_ZSt21ios_base_library_initv"}


def fail(msg, code=2):
    print(f"torchsharp-glibcxx-weaken: {msg}", file=sys.stderr)
    sys.exit(code)


def cstr(data, offset):
    end = data.index(b"\0", offset)
    return data[offset:end].decode("ascii", "replace")


def sections(data):
    if data[:4] != b"\x7fELF":
        fail("not an ELF file")
    if data[4] != 2 or data[5] != 1:
        fail("only ELF64 little-endian is supported")
    (e_shoff,) = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum, _ = struct.unpack_from("<HHH", data, 0x3A)
    if e_shoff == 0 or e_shnum == 0:
        fail("no section headers")
    result = []
    for i in range(e_shnum):
        (name, stype, flags, addr, offset, size, link, info, align,
         entsize) = struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize)
        result.append(dict(type=stype, offset=offset, size=size, link=link,
                           info=info, entsize=entsize))
    return result


def find(secs, stype):
    found = [s for s in secs if s["type"] == stype]
    return found[0] if found else None


def main(argv):
    args = argv[1:]
    version = "GLIBCXX_3.4.32"
    if "--version" in args:
        i = args.index("--version")
        version = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        fail("usage: torchsharp-glibcxx-weaken.py FILE.so [--version GLIBCXX_3.4.32]", 1)
    path = args[0]
    try:
        with open(path, "rb") as f:
            data = bytearray(f.read())
    except OSError as e:
        fail(f"cannot read {path}: {e}", 1)

    secs = sections(data)
    verneed = find(secs, SHT_GNU_VERNEED)
    if verneed is None:
        print(f"torchsharp-glibcxx-weaken: {path}: no .gnu.version_r, nothing to do")
        return 0
    strtab = secs[verneed["link"]]["offset"]

    # Walk Verneed (vn_version, vn_cnt, vn_file, vn_aux, vn_next) and
    # Vernaux (vna_hash, vna_flags, vna_other, vna_name, vna_next).
    target = None  # (file offset of vna_flags, flags, version index, library)
    off = verneed["offset"]
    for _ in range(verneed["info"] or 1 << 16):
        vn_version, vn_cnt, vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, off)
        aux = off + vn_aux
        for _ in range(vn_cnt):
            vna_hash, vna_flags, vna_other, vna_name, vna_next = struct.unpack_from("<IHHII", data, aux)
            if cstr(data, strtab + vna_name) == version:
                target = (aux + 4, vna_flags, vna_other, cstr(data, strtab + vn_file))
            if vna_next == 0:
                break
            aux += vna_next
        if vn_next == 0:
            break
        off += vn_next

    if target is None:
        print(f"torchsharp-glibcxx-weaken: {path}: does not require {version}, nothing to do")
        return 0
    flags_at, flags, index, library = target

    # Which dynamic symbols are bound to that version index?
    versym = find(secs, SHT_GNU_VERSYM)
    dynsym = find(secs, SHT_DYNSYM)
    if versym is None or dynsym is None:
        fail("no .gnu.version or .dynsym; cannot check which symbols use the version")
    dynstr = secs[dynsym["link"]]["offset"]
    entsize = dynsym["entsize"] or 24
    users = []
    for i in range(dynsym["size"] // entsize):
        (ver,) = struct.unpack_from("<H", data, versym["offset"] + 2 * i)
        if ver & 0x7FFF == index:
            (st_name,) = struct.unpack_from("<I", data, dynsym["offset"] + i * entsize)
            users.append(cstr(data, dynstr + st_name))
    others = [u for u in users if u not in ALLOWED_SYMBOLS]
    if others:
        fail(f"{path}: refusing: {version} is also used by {', '.join(others)}")

    if flags & VER_FLG_WEAK:
        print(f"torchsharp-glibcxx-weaken: {path}: {library} {version} already weak, nothing to do")
        return 0
    struct.pack_into("<H", data, flags_at, flags | VER_FLG_WEAK)
    # Keep the timestamps: MSBuild's incremental copy compares size and
    # time, so the patched copy is then left alone on the next build.
    st = os.stat(path)
    if st.st_nlink > 1:
        # A hard link (e.g. into the NuGet cache): write a separate file so
        # that only this copy changes.
        tmp = path + ".weaken.tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    else:
        with open(path, "r+b") as f:
            f.seek(flags_at)
            f.write(data[flags_at:flags_at + 2])
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    print(f"torchsharp-glibcxx-weaken: {path}: marked {library} {version} weak "
          f"(used only by {', '.join(users) or 'no symbol'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
