#!/usr/bin/env python3
"""Assembles every kernel's PTX with `ptxas -v` for one GPU architecture and tabulates what each kernel costs:
registers, stack frame, spill stores/loads, shared memory.

    ptxas_table.py --ptxas PATH --arch sm_90 [--logs DIR] [--json FILE] PTX_FILE_OR_DIR...

Prints one row per kernel and a last line `summary: ...`; exit 0 when every file assembles, 1 otherwise.
parse_ptxas_log() also reads the driver JIT's info log (same format); cuda_jit_log.py uses it.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

_ENTRY = re.compile(r"Compiling entry function '([^']+)'")
_PROPS = re.compile(r"Function properties for (\S+)")
_FRAME = re.compile(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")
_USED = re.compile(r"Used (\d+) registers")
_SMEM = re.compile(r"(\d+) bytes smem")


def parse_ptxas_log(text):
    """{function: {registers, stack, spill_stores, spill_loads, smem, entry}} from ptxas -v / JIT info text."""
    funcs = {}
    current = None       # the entry function being compiled ("Used N registers" belongs to it)
    props_for = None     # the function whose "bytes stack frame" line comes next

    def rec(name):
        return funcs.setdefault(name, {"registers": None, "stack": None, "spill_stores": None,
                                       "spill_loads": None, "smem": None, "entry": False})

    for line in text.splitlines():
        m = _ENTRY.search(line)
        if m:
            current = m.group(1)
            rec(current)["entry"] = True
            continue
        m = _PROPS.search(line)
        if m:
            props_for = m.group(1)
            rec(props_for)
            continue
        m = _FRAME.search(line)
        if m and props_for is not None:
            r = rec(props_for)
            r["stack"], r["spill_stores"], r["spill_loads"] = (int(g) for g in m.groups())
            props_for = None
            continue
        m = _USED.search(line)
        if m:
            target = current if current is not None else props_for
            if target is None:
                target = "?"
            r = rec(target)
            r["registers"] = int(m.group(1))
            s = _SMEM.search(line)
            r["smem"] = int(s.group(1)) if s else 0
    return funcs


def entries_of(funcs):
    """The entry functions of a parse (every function when the log names no entry)."""
    entries = {k: v for k, v in funcs.items() if v["entry"]}
    return entries or funcs


def ptx_entry_names(ptx_text):
    return re.findall(r"\.entry\s+([A-Za-z_$][\w$]*)", ptx_text)


def collect_ptx(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            files.extend(os.path.join(p, f) for f in sorted(os.listdir(p)) if f.endswith(".ptx"))
        else:
            files.append(p)
    return files


def kernel_name(path):
    base = os.path.basename(path)
    return base[:-4] if base.endswith(".ptx") else base


def fmt(v):
    return "-" if v is None else str(v)


def format_table(rows, extra_header=None):
    """rows: dicts with kernel, registers, stack, spill_stores, spill_loads, smem, result."""
    width = max([len("kernel")] + [len(r["kernel"]) for r in rows])
    head = "%-*s %5s %6s %9s %9s %7s  %s" % (width, "kernel", "regs", "stack", "spill st", "spill ld", "smem", "result")
    out = [head, "-" * len(head)]
    for r in rows:
        out.append("%-*s %5s %6s %9s %9s %7s  %s" % (
            width, r["kernel"], fmt(r.get("registers")), fmt(r.get("stack")), fmt(r.get("spill_stores")),
            fmt(r.get("spill_loads")), fmt(r.get("smem")), r["result"]))
    return "\n".join(out)


def summarize(rows, what):
    ok = [r for r in rows if r["result"] == "ok"]
    spills = [r["kernel"] for r in ok if (r.get("spill_stores") or 0) + (r.get("spill_loads") or 0) > 0]
    stack = [r["kernel"] for r in ok if (r.get("stack") or 0) > 0]
    regs = [r for r in ok if r.get("registers") is not None]
    top = max(regs, key=lambda r: r["registers"]) if regs else None
    parts = ["%d/%d %s" % (len(ok), len(rows), what),
             "spills in %d%s" % (len(spills), (" (" + ", ".join(spills) + ")") if spills else "")]
    if stack:
        parts.append("stack in %d (%s)" % (len(stack), ", ".join(stack)))
    if top:
        parts.append("max %d registers (%s)" % (top["registers"], top["kernel"]))
    return "; ".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ptxas", required=True)
    ap.add_argument("--arch", default="sm_90")
    ap.add_argument("--logs", help="folder for each kernel's ptxas output")
    ap.add_argument("--json", help="write the rows here")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per file")
    ap.add_argument("ptx", nargs="+")
    a = ap.parse_args()

    files = collect_ptx(a.ptx)
    if not files:
        print("ptxas_table: no .ptx file in %s" % " ".join(a.ptx), file=sys.stderr)
        print("summary: no PTX files")
        return 1
    try:
        lines = subprocess.run([a.ptxas, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               universal_newlines=True, timeout=30).stdout.strip().splitlines()
        version = ([l for l in lines if "release" in l] or lines[-1:])[0].strip()
    except (OSError, subprocess.SubprocessError, IndexError) as e:
        print("ptxas_table: cannot run %s: %s" % (a.ptxas, e), file=sys.stderr)
        print("summary: ptxas does not run (%s)" % e)
        return 1
    print("ptxas %s (%s), -arch=%s, %d files" % (a.ptxas, version, a.arch, len(files)))
    if a.logs:
        os.makedirs(a.logs, exist_ok=True)
    rows = []
    for path in files:
        name = kernel_name(path)
        t0 = time.time()
        try:
            p = subprocess.run([a.ptxas, "-v", "-arch=" + a.arch, "-o", os.devnull, path],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                               timeout=a.timeout)
            text, rc = p.stdout, p.returncode
        except subprocess.TimeoutExpired:
            text, rc = "timed out after %.0f s" % a.timeout, 124
        seconds = time.time() - t0
        if a.logs:
            with open(os.path.join(a.logs, name + ".log"), "w") as f:
                f.write(text)
        row = {"kernel": name, "seconds": round(seconds, 3)}
        funcs = entries_of(parse_ptxas_log(text))
        if rc == 0 and funcs:
            # One entry per kernel file; if there are several, report the worst of each figure.
            for key in ("registers", "stack", "spill_stores", "spill_loads", "smem"):
                vals = [f[key] for f in funcs.values() if f[key] is not None]
                row[key] = max(vals) if vals else None
            row["entries"] = sorted(funcs)
            row["result"] = "ok"
        else:
            errors = [l.strip() for l in text.splitlines() if "error" in l.lower() or "fatal" in l.lower()]
            row["result"] = "FAILED (rc %d): %s" % (rc, (errors or text.strip().splitlines() or ["no output"])[0][:160])
        rows.append(row)
    print(format_table(rows))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"ptxas": a.ptxas, "version": version, "arch": a.arch, "kernels": rows}, f, indent=1)
    short = re.search(r"V[\d.]+", version)
    print("summary: " + summarize(rows, "assembled for %s by ptxas %s" % (a.arch, short.group(0) if short else version)))
    return 0 if all(r["result"] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
