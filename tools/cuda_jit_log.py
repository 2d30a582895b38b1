#!/usr/bin/env python3
"""Loads every kernel's PTX through the CUDA driver's JIT (ctypes on libcuda, no toolkit, no PyTorch) and
prints what the driver made of it: the JIT's info log (registers, stack, spills) or its error log, and
cuFuncGetAttribute's NUM_REGS / LOCAL_SIZE_BYTES / SHARED_SIZE_BYTES / MAX_THREADS_PER_BLOCK of each entry.

    cuda_jit_log.py [--device N] [--logs DIR] [--json FILE] PTX_FILE_OR_DIR...

Last line `summary: ...`; exit 0 when every module loads, 1 when one does not, 2 when there is no driver/GPU.
The JIT cache is disabled (CUDA_CACHE_DISABLE=1) so that every load compiles and logs.
"""
import argparse
import ctypes
import json
import os
import sys
import time

os.environ["CUDA_CACHE_DISABLE"] = "1"   # before libcuda initialises: a cache hit would log nothing

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptxas_table import collect_ptx, entries_of, format_table, kernel_name, parse_ptxas_log, ptx_entry_names, summarize  # noqa: E402

# cuda.h, enum CUjit_option_enum
CU_JIT_INFO_LOG_BUFFER = 3
CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4
CU_JIT_ERROR_LOG_BUFFER = 5
CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6
CU_JIT_LOG_VERBOSE = 12
# cuda.h, enum CUfunction_attribute_enum
CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0
CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES = 1
CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES = 3
CU_FUNC_ATTRIBUTE_NUM_REGS = 4
# cuda.h, enum CUdevice_attribute_enum
CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75
CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76

LOG_BYTES = 1 << 16


class CudaError(Exception):
    pass


class Driver:
    def __init__(self):
        errors = []
        for name in ("libcuda.so.1", "libcuda.so"):
            try:
                self.lib = ctypes.CDLL(name)
                self.name = name
                break
            except OSError as e:
                errors.append(str(e))
        else:
            raise CudaError("cannot load the CUDA driver library: %s" % "; ".join(errors))

    def error_string(self, code):
        s = ctypes.c_char_p()
        try:
            if self.lib.cuGetErrorString(code, ctypes.byref(s)) == 0 and s.value:
                return s.value.decode(errors="replace")
        except AttributeError:
            pass
        return "CUDA error %d" % code

    def call(self, fn, *args):
        code = getattr(self.lib, fn)(*args)
        if code != 0:
            raise CudaError("%s: %s (%d)" % (fn, self.error_string(code), code))


def load_module(drv, ptx_bytes):
    """(module or None, info log, error log, seconds) for one PTX image."""
    info = ctypes.create_string_buffer(LOG_BYTES)
    err = ctypes.create_string_buffer(LOG_BYTES)
    opts = (ctypes.c_int * 5)(CU_JIT_INFO_LOG_BUFFER, CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
                              CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, CU_JIT_LOG_VERBOSE)
    vals = (ctypes.c_void_p * 5)(ctypes.cast(info, ctypes.c_void_p).value, LOG_BYTES,
                                 ctypes.cast(err, ctypes.c_void_p).value, LOG_BYTES, 1)
    image = ctypes.create_string_buffer(ptx_bytes + b"\0")
    module = ctypes.c_void_p()
    t0 = time.time()
    code = drv.lib.cuModuleLoadDataEx(ctypes.byref(module), image, 5, opts, vals)
    seconds = time.time() - t0
    info_text = info.value.decode(errors="replace")
    err_text = err.value.decode(errors="replace")
    if code != 0:
        msg = "cuModuleLoadDataEx: %s (%d)" % (drv.error_string(code), code)
        return None, info_text, (err_text + "\n" + msg).strip(), seconds
    return module, info_text, err_text, seconds


def func_attributes(drv, module, entry):
    f = ctypes.c_void_p()
    drv.call("cuModuleGetFunction", ctypes.byref(f), module, entry.encode())
    out = {}
    for key, attr in (("registers", CU_FUNC_ATTRIBUTE_NUM_REGS), ("local_bytes", CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES),
                      ("smem", CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES),
                      ("max_threads", CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK)):
        v = ctypes.c_int()
        drv.call("cuFuncGetAttribute", ctypes.byref(v), attr, f)
        out[key] = v.value
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", type=int, default=0)
    ap.add_argument("--logs", help="folder for each kernel's JIT info/error log")
    ap.add_argument("--json", help="write the rows here")
    ap.add_argument("ptx", nargs="+")
    a = ap.parse_args()

    files = collect_ptx(a.ptx)
    if not files:
        print("summary: no PTX files in %s" % " ".join(a.ptx))
        return 1
    try:
        drv = Driver()
        drv.call("cuInit", 0)
        dev = ctypes.c_int()
        drv.call("cuDeviceGet", ctypes.byref(dev), a.device)
        name = ctypes.create_string_buffer(256)
        drv.call("cuDeviceGetName", name, 256, dev)
        major, minor, version = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
        drv.call("cuDeviceGetAttribute", ctypes.byref(major), CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev)
        drv.call("cuDeviceGetAttribute", ctypes.byref(minor), CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev)
        drv.call("cuDriverGetVersion", ctypes.byref(version))
        ctx = ctypes.c_void_p()
        drv.call("cuDevicePrimaryCtxRetain", ctypes.byref(ctx), dev)
        drv.call("cuCtxSetCurrent", ctx)
    except CudaError as e:
        print("cuda_jit_log: %s" % e, file=sys.stderr)
        print("summary: no CUDA driver/GPU: %s" % e)
        return 2
    arch = "sm_%d%d" % (major.value, minor.value)
    print("%s: device %d %s (%s), driver API %d.%d, %d PTX files, JIT cache disabled" % (
        drv.name, a.device, name.value.decode(), arch, version.value // 1000, version.value % 1000 // 10, len(files)))
    if a.logs:
        os.makedirs(a.logs, exist_ok=True)

    rows, mismatches = [], []
    for path in files:
        kname = kernel_name(path)
        with open(path, "rb") as f:
            ptx = f.read()
        module, info, err, seconds = load_module(drv, ptx)
        if a.logs:
            with open(os.path.join(a.logs, kname + ".jit.log"), "w") as f:
                f.write("== info log ==\n%s\n== error log ==\n%s\n" % (info, err))
        row = {"kernel": kname, "seconds": round(seconds, 3), "info_log": info.strip()}
        if module is None:
            row["result"] = "FAILED: " + (err.strip().splitlines() or ["no error log"])[0][:160]
            row["error_log"] = err.strip()
            rows.append(row)
            print("--- %s: JIT FAILED\n%s" % (kname, err.strip()))
            continue
        logged = entries_of(parse_ptxas_log(info))
        for key in ("stack", "spill_stores", "spill_loads"):
            vals = [f[key] for f in logged.values() if f[key] is not None]
            row[key] = max(vals) if vals else None
        attrs = {}
        try:
            for entry in ptx_entry_names(ptx.decode(errors="replace")):
                attrs[entry] = func_attributes(drv, module, entry)
        except CudaError as e:
            row["attr_error"] = str(e)
        if attrs:
            row["registers"] = max(v["registers"] for v in attrs.values())
            row["smem"] = max(v["smem"] for v in attrs.values())
            row["local_bytes"] = max(v["local_bytes"] for v in attrs.values())
            row["max_threads"] = min(v["max_threads"] for v in attrs.values())
        logged_regs = [f["registers"] for f in logged.values() if f["registers"] is not None]
        if logged_regs and attrs and max(logged_regs) != row["registers"]:
            mismatches.append("%s: info log %d registers, cuFuncGetAttribute %d" % (kname, max(logged_regs), row["registers"]))
        if row.get("stack") is None and "local_bytes" in row:
            row["stack"] = row["local_bytes"]      # no info log: LOCAL_SIZE_BYTES is the per-thread local memory
        row["result"] = "ok" + ("" if info.strip() else " (empty info log)") + (
            "; max threads/block %d" % row["max_threads"] if "max_threads" in row else "")
        drv.lib.cuModuleUnload(module)
        rows.append(row)
        print("--- %s (%.2f s)\n%s" % (kname, seconds, info.strip() or "(empty info log)"))
    print()
    print(format_table(rows))
    for m in mismatches:
        print("note: " + m)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"device": name.value.decode(), "arch": arch, "driver_api": version.value, "kernels": rows}, f, indent=1)
    for r in rows:      # summarize() counts "ok" rows
        r["result"] = "ok" if r["result"].startswith("ok") else r["result"]
    print("summary: " + summarize(rows, "loaded by the driver JIT for %s" % arch))
    return 0 if all(r["result"] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
