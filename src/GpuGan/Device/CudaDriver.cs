using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace GpuGan.Device;

/// <summary>
/// The NVIDIA driver library, as ILGPU needs it and as a user needs it explained. ILGPU 1.5.3 imports the
/// driver as "cuda", which .NET looks for as libcuda.so; the driver package installs libcuda.so.1, and the
/// unversioned link comes only with development packages, so GPU containers often lack it and ILGPU then
/// sees no CUDA at all. A fallback resolver hands ILGPU libcuda.so.1, and <see cref="WhyNoDevice"/> says in
/// one line why CUDA cannot be used.
/// </summary>
public static unsafe class CudaDriver
{
    static int registered;

    /// <summary>Library files tried, in order, for the driver.</summary>
    public static IReadOnlyList<string> Candidates =>
        OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so", "libcuda.so.1"];

    /// <summary>
    /// Lets ILGPU load libcuda.so.1 when libcuda.so is missing. Registered as the default load context's
    /// fallback (asked only after .NET's own probing failed), so it never overrides what .NET finds and cannot
    /// clash with the import resolver ILGPU sets for itself under WSL.
    /// </summary>
    public static void RegisterResolver()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += Resolve;
    }

    static IntPtr Resolve(Assembly assembly, string name)
    {
        if (name is not ("cuda" or "libcuda" or "libcuda.so")) return IntPtr.Zero;
        foreach (var file in Candidates)
            if (NativeLibrary.TryLoad(file, out var handle)) return handle;
        return IntPtr.Zero;
    }

    /// <summary>
    /// Why ILGPU lists no CUDA device, in one line: no driver library, the driver's own error, no device, or
    /// devices the driver reports but ILGPU does not accept. Asks the driver directly (<see cref="Probe"/>).
    /// </summary>
    public static string WhyNoDevice()
    {
        var (reason, version, devices) = Probe();
        return reason ?? $"the CUDA driver {VersionText(version)} reports {devices} device(s), but ILGPU 1.5.3 accepts none of them (architecture or driver version it does not know)";
    }

    /// <summary>
    /// The driver's version and device count, or why there is none to use (null reason: it loads, initialises
    /// and reports at least one device). Talks to the driver directly (cuInit, cuDriverGetVersion,
    /// cuDeviceGetCount), not through ILGPU, so it can tell these cases apart.
    /// </summary>
    public static (string? Reason, int DriverVersion, int Devices) Probe()
    {
        IntPtr lib = IntPtr.Zero;
        string? loaded = null;
        foreach (var file in Candidates)
            if (NativeLibrary.TryLoad(file, out lib)) { loaded = file; break; }
        if (loaded == null)
            return ($"no NVIDIA driver library ({string.Join(" or ", Candidates)} not found on the library path)", 0, 0);
        {
            if (!NativeLibrary.TryGetExport(lib, "cuInit", out var init)
                || !NativeLibrary.TryGetExport(lib, "cuDriverGetVersion", out var version)
                || !NativeLibrary.TryGetExport(lib, "cuDeviceGetCount", out var count))
                return ($"{loaded} is not a usable CUDA driver library (cuInit, cuDriverGetVersion or cuDeviceGetCount missing)", 0, 0);
            NativeLibrary.TryGetExport(lib, "cuGetErrorName", out var errorName);
            int rc = ((delegate* unmanaged<uint, int>)init)(0);
            if (rc != 0) return ($"the CUDA driver ({loaded}) failed to initialise: cuInit returned {ErrorText(rc, errorName)}", 0, 0);
            int v = 0, n = 0;
            ((delegate* unmanaged<int*, int>)version)(&v);
            rc = ((delegate* unmanaged<int*, int>)count)(&n);
            if (rc != 0) return ($"the CUDA driver {VersionText(v)} could not count devices: {ErrorText(rc, errorName)}", v, 0);
            if (n == 0) return ($"the CUDA driver {VersionText(v)} reports no device", v, 0);
            // The library stays loaded: ILGPU uses the same one.
            return (null, v, n);
        }
    }

    public static string VersionText(int v) => v > 0 ? $"{v / 1000}.{v % 1000 / 10}" : "(version unknown)";

    static string ErrorText(int rc, IntPtr errorName)
    {
        if (errorName != IntPtr.Zero)
        {
            byte* s = null;
            if (((delegate* unmanaged<int, byte**, int>)errorName)(rc, &s) == 0 && s != null)
                return $"{rc} ({Marshal.PtrToStringUTF8((IntPtr)s)})";
        }
        return rc.ToString();
    }
}
