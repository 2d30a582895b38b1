using GpuGan.Host;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace GpuGan.Device;

/// <summary>
/// One accelerator with its ILGPU context, its loaded kernels (compiled once, on first use) and the kernel
/// family the op dispatch picks for it. Every tensor of a run is allocated through it.
/// </summary>
public sealed class ComputeDevice : IDisposable
{
    readonly Dictionary<string, Delegate> kernels = new();
    long allocatedBytes;

    public Context Context { get; }
    public Accelerator Accelerator { get; }
    public DeviceKind Kind { get; }
    public string Name { get; }
    public string Id { get; }

    /// <summary>Kernel family of the device; defaults by accelerator type (tests may force Gpu on the CPU when creating it).</summary>
    public KernelFamily Family { get; }

    /// <summary>The variant every op runs on this device, chosen once when it is created (<see cref="VariantSelector"/>).</summary>
    public OpVariant Variant { get; }

    public IKernelProfiler? Profiler { get; set; }

    /// <summary>Set when --device auto settled for the CPU: why no GPU was used, in one line.</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>
    /// CPU accelerator only, given when the device is created (--cpu-kernels): which kernels the Cpu kernel family runs. Simd (default) runs host code on
    /// <see cref="CpuWorkers"/> threads for the GEMMs, im2col/col2im, activations, bias add and sum, BatchNorm, max pooling,
    /// the class embedding, the row dot product, Adam and Fill; Ilgpu keeps ILGPU's kernels for all of them.
    /// </summary>
    public CpuKernelVariant CpuKernels { get; }

    /// <summary>Worker threads for host-side kernels: the thread count the CPU device was created with (default all cores).</summary>
    public int CpuWorkers { get; }

    HostGemm? hostGemm;

    /// <summary>The host GEMM of this device, created (threads, workspaces) on first use.</summary>
    public HostGemm HostGemm => hostGemm ??= new HostGemm(HostPool);

    HostUnfold? hostUnfold;

    /// <summary>The host im2col/col2im of this device, created on first use.</summary>
    public HostUnfold HostUnfold => hostUnfold ??= new HostUnfold(HostPool);

    HostMaxPool? hostMaxPool;

    /// <summary>The host max pooling of this device, created on first use.</summary>
    public HostMaxPool HostMaxPool => hostMaxPool ??= new HostMaxPool(HostPool);

    WorkerPool? hostPool;
    HostElementwise? hostElementwise;
    HostBatchNorm? hostBatchNorm;

    /// <summary>The worker threads shared by every host kernel of this device (one job at a time), created on first use.</summary>
    WorkerPool HostPool => hostPool ??= new WorkerPool(CpuWorkers);

    /// <summary>The host elementwise kernels (fill, activations, bias add, Adam) of this device, created on first use.</summary>
    public HostElementwise HostElementwise => hostElementwise ??= new HostElementwise(HostPool);

    /// <summary>The host BatchNorm and per-channel sum of this device, created on first use.</summary>
    public HostBatchNorm HostBatchNorm => hostBatchNorm ??= new HostBatchNorm(HostPool);

    HostEmbedding? hostEmbedding;
    HostRowDot? hostRowDot;

    /// <summary>The host class embedding (forward and table gradient) of this device, created on first use.</summary>
    public HostEmbedding HostEmbedding => hostEmbedding ??= new HostEmbedding(HostPool);

    /// <summary>The host row-wise dot product (projection discriminator) of this device, created on first use.</summary>
    public HostRowDot HostRowDot => hostRowDot ??= new HostRowDot(HostPool);

    /// <summary>True when host SIMD variants replace ILGPU kernels (CPU accelerator, CPU family, CpuKernels = Simd).</summary>
    public bool UsesHostKernels => Variant.Reaches(OpVariant.HostSimd);

    public AcceleratorStream Stream => Accelerator.DefaultStream;
    public long AllocatedBytes => allocatedBytes;

    ComputeDevice(Context context, Accelerator accelerator, DeviceKind kind, string id, int cpuWorkers = 0,
        CpuKernelVariant cpuKernels = CpuKernelVariant.Simd, KernelFamily? family = null, OpVariant? variant = null)
    {
        CpuWorkers = cpuWorkers > 0 ? cpuWorkers : Environment.ProcessorCount;
        Context = context;
        Accelerator = accelerator;
        Kind = kind;
        Id = id;
        Name = accelerator.Name;
        Family = family ?? (kind == DeviceKind.Cpu ? KernelFamily.Cpu : KernelFamily.Gpu);
        CpuKernels = cpuKernels;
        Variant = variant ?? VariantSelector.For(kind, Family, cpuKernels);
    }

    /// <summary>
    /// The CPU accelerator with about one worker thread per core (more did not help on a 2-core machine)
    /// unless a simulated device is given, e.g. a 256-thread group to run GPU-family kernels in tests (with
    /// family Gpu). ILGPU's smallest warp is 2 threads, so an odd thread count rounds up to the next even one.
    /// A variant given here overrides the selector's choice (a test's own variant).
    /// </summary>
    public static ComputeDevice CreateCpu(int threads = 0, bool profiling = false, CPUDevice? simulate = null,
        CpuKernelVariant cpuKernels = CpuKernelVariant.Simd, KernelFamily? family = null, OpVariant? variant = null)
    {
        int workers = threads > 0 ? threads : Environment.ProcessorCount;
        var cpu = simulate ?? new CPUDevice(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 1, numMultiprocessors: (workers + 1) / 2);
        var context = Context.Create(b =>
        {
            b.CPU(cpu).Optimize(OptimizationLevel.O2).Math(MathMode.Default);
            if (profiling) b.Profiling();
        });
        var accelerator = cpu.CreateCPUAccelerator(context);
        return new ComputeDevice(context, accelerator, DeviceKind.Cpu, "cpu", workers, cpuKernels, family, variant);
    }

    /// <summary>
    /// The context options that shape GPU code generation, shared with the backend compile tests.
    /// EnableAlgorithms is required: without it XMath.Exp/Log (activations, losses, noise) have no PTX
    /// implementation and the CUDA backend rejects those kernels.
    /// </summary>
    public static Context.Builder GpuCodegenOptions(Context.Builder b) =>
        b.Optimize(OptimizationLevel.O2).EnableAlgorithms();

    /// <summary>auto: CUDA, else an OpenCL GPU, else the CPU accelerator. CPU OpenCL devices are never chosen automatically.</summary>
    /// <param name="cpuKernels">--cpu-kernels: used only when the answer is the CPU accelerator.</param>
    public static ComputeDevice Create(DeviceSpec spec, bool profiling = false, int cpuThreads = 0, CpuKernelVariant cpuKernels = CpuKernelVariant.Simd)
    {
        if (spec.Kind == DeviceKind.Cpu) return CreateCpu(cpuThreads, profiling, cpuKernels: cpuKernels);
        CudaDriver.RegisterResolver();
        Context context;
        try
        {
            context = Context.Create(b =>
            {
                GpuCodegenOptions(b.Cuda().OpenCL(_ => true));
                if (profiling) b.Profiling();
            });
        }
        catch (Exception e) when (spec.Kind == DeviceKind.Auto)
        {
            // no GPU runtime at all: the CPU is the answer
            return WithReason(CreateCpu(cpuThreads, profiling, cpuKernels: cpuKernels), $"GPU runtimes could not be queried: {GpuGan.Text.OneLine.FirstOf(e.Message)}");
        }

        try
        {
            var cuda = context.GetCudaDevices();
            var openCl = context.GetCLDevices();
            switch (spec.Kind)
            {
                case DeviceKind.Cuda:
                    if (cuda.Count == 0)
                        throw new DeviceException($"--device {spec}: no CUDA device: {CudaDriver.WhyNoDevice()}");
                    if (spec.Index >= cuda.Count)
                        throw new DeviceException($"--device {spec}: {cuda.Count} CUDA device(s) found; run 'gpugan devices' to list them");
                    return new ComputeDevice(context, cuda[spec.Index].CreateAccelerator(context), DeviceKind.Cuda, spec.ToString());
                case DeviceKind.OpenCL:
                    if (spec.Index >= openCl.Count)
                        throw new DeviceException($"--device {spec}: {openCl.Count} OpenCL device(s) found; run 'gpugan devices' to list them");
                    string? why = OpenClSkipReason(openCl[spec.Index], automatic: false);
                    if (why != null) throw new DeviceException($"--device {spec} ({openCl[spec.Index].Name}): {why}");
                    return new ComputeDevice(context, openCl[spec.Index].CreateAccelerator(context), DeviceKind.OpenCL, spec.ToString());
                default:
                    if (cuda.Count > 0)
                        return new ComputeDevice(context, cuda[0].CreateAccelerator(context), DeviceKind.Cuda, "cuda:0");
                    for (int i = 0; i < openCl.Count; i++)
                        if (OpenClSkipReason(openCl[i], automatic: true) == null)
                            return new ComputeDevice(context, openCl[i].CreateAccelerator(context), DeviceKind.OpenCL, $"opencl:{i}");
                    context.Dispose();
                    string cudaWhy = CudaDriver.WhyNoDevice();
                    string clWhy = openCl.Count == 0 ? "no OpenCL device" : "no OpenCL GPU ILGPU can use";
                    return WithReason(CreateCpu(cpuThreads, profiling, cpuKernels: cpuKernels), $"CUDA not used: {cudaWhy}; {clWhy}");
            }
        }
        catch (DeviceException)
        {
            context.Dispose();
            throw;
        }
        catch (Exception e)
        {
            context.Dispose();
            throw new DeviceException($"--device {spec}: could not start the accelerator: {GpuGan.Text.OneLine.FirstOf(e.Message)}", e);
        }
    }

    static ComputeDevice WithReason(ComputeDevice cpu, string reason)
    {
        cpu.FallbackReason = reason;
        return cpu;
    }

    /// <summary>Every device ILGPU can see, with why a device is skipped.</summary>
    public static IReadOnlyList<DeviceReport> ListDevices()
    {
        CudaDriver.RegisterResolver();
        var list = new List<DeviceReport>();
        bool autoChosen = false;
        try
        {
            using var context = Context.Create(b => b.Cuda().OpenCL(_ => true));
            var cuda = context.GetCudaDevices();
            for (int i = 0; i < cuda.Count; i++)
            {
                var d = cuda[i];
                list.Add(new DeviceReport($"cuda:{i}", d.Name, "CUDA GPU", d.MemorySize, d.WarpSize, d.MaxNumThreadsPerGroup, true, !autoChosen, null));
                autoChosen = true;
            }

            var cl = context.GetCLDevices();
            for (int i = 0; i < cl.Count; i++)
            {
                var d = cl[i];
                string? hard = OpenClSkipReason(d, automatic: false);
                string? auto = OpenClSkipReason(d, automatic: true);
                bool chosen = !autoChosen && auto == null;
                autoChosen |= chosen;
                list.Add(new DeviceReport($"opencl:{i}", d.Name, $"OpenCL {d.DeviceType.ToString().Replace("CL_DEVICE_TYPE_", "")} ({d.VendorName})",
                    d.MemorySize, d.WarpSize, d.MaxNumThreadsPerGroup, hard == null, chosen, auto));
            }
        }
        catch (Exception e)
        {
            list.Add(new DeviceReport("-", "GPU runtimes", "-", 0, 0, 0, false, false, $"could not be queried: {GpuGan.Text.OneLine.FirstOf(e.Message)}"));
        }
        // Always say why CUDA is not in the list: the driver's own answer, asked directly.
        if (!list.Any(r => r.Id.StartsWith("cuda:", StringComparison.Ordinal)))
            list.Insert(0, new DeviceReport("cuda", "NVIDIA CUDA", "-", 0, 0, 0, false, false, CudaDriver.WhyNoDevice()));
        list.Add(new DeviceReport("cpu", "ILGPU CPU accelerator", $"CPU ({Text.Count.Of(Environment.ProcessorCount, "core")})",
            GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, 1, 1, true, !autoChosen, null));
        return list;
    }

    static string? OpenClSkipReason(CLDevice d, bool automatic)
    {
        if (!d.Capabilities.GenericAddressSpace)
            return "ILGPU needs the OpenCL generic address space, which this device lacks (CapabilityNotSupportedException: GenericAddressSpace)";
        if (automatic && d.DeviceType != CLDeviceType.CL_DEVICE_TYPE_GPU)
            return "not a GPU: CPU OpenCL devices are only used when asked for with --device opencl:N";
        return null;
    }

    /// <summary>Allocates a tensor. Running out of device memory is one line naming the device, the request and what was free.</summary>
    public Tensor Allocate(params int[] shape)
    {
        var buffer = AllocateBuffer<float>(shape);
        return new Tensor(this, buffer, buffer.View, (int[])shape.Clone());
    }

    /// <summary>Allocates an int tensor (labels, argmax indices); out of memory as for <see cref="Allocate"/>.</summary>
    public IntTensor AllocateInts(params int[] shape) => new(this, AllocateBuffer<int>(shape), (int[])shape.Clone());

    MemoryBuffer1D<T, Stride1D.Dense> AllocateBuffer<T>(int[] shape) where T : unmanaged
    {
        int count = Tensor.Count(shape);
        long bytes = (long)count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        try
        {
            var buffer = Accelerator.Allocate1D<T>(count);
            allocatedBytes += bytes;
            return buffer;
        }
        catch (Exception e) when (e is OutOfMemoryException || e is AcceleratorException || e.GetType().Name.Contains("Cuda") || e.GetType().Name.Contains("CL"))
        {
            throw new DeviceException(
                $"{Id} ({Name}): out of device memory allocating {Mib(bytes)} for ({string.Join(", ", shape)}): " +
                $"{FreeText()}, {Mib(allocatedBytes)} already held by this run", e);
        }
    }

    string FreeText()
    {
        if (Accelerator is CudaAccelerator cuda)
        {
            try { return $"{Mib(cuda.GetFreeMemory())} free of {Mib(Accelerator.MemorySize)}"; }
            catch { }
        }
        return $"device memory {Mib(Accelerator.MemorySize)}";
    }

    static string Mib(long bytes) => $"{bytes / (1024.0 * 1024.0):F1} MiB";

    /// <summary>Loads (compiles) an op's launcher on first use and caches it under <paramref name="key"/>.</summary>
    public T Kernel<T>(string key, Func<ComputeDevice, T> load) where T : Delegate
    {
        if (kernels.TryGetValue(key, out var d)) return (T)d;
        var k = load(this);
        kernels[key] = k;
        return k;
    }

    /// <summary>Brackets one kernel launch for the profiler; every launch of every variant goes through a Launch overload.</summary>
    public KernelScope Launch(string kernel, double flops, double bytes) => new(Profiler, kernel, flops, bytes);

    /// <summary>As <see cref="Launch(string, double, double)"/> named kernel + suffix; the name is built only when profiling.</summary>
    public KernelScope Launch(string kernel, string suffix, double flops, double bytes) =>
        Profiler == null ? default : new(Profiler, kernel + suffix, flops, bytes);

    /// <summary>As <see cref="Launch(string, double, double)"/> named kernel.detail + suffix; the name is built only when profiling.</summary>
    public KernelScope Launch<TDetail>(string kernel, TDetail detail, string suffix, double flops, double bytes) where TDetail : struct, Enum =>
        Profiler == null ? default : new(Profiler, $"{kernel}.{detail}{suffix}", flops, bytes);

    /// <summary>Attributes the launches inside to a layer or phase, for the profiler's per-layer table.</summary>
    public ProfileSection Section(string name) => ProfileSection.Section(Profiler, name);

    /// <summary>Times host work that is not a kernel as its own span.</summary>
    public ProfileSection HostSpan(string name) => ProfileSection.Host(Profiler, name);

    public void Synchronize()
    {
        Synchronizations++;
        Stream.Synchronize();
    }

    /// <summary>How often the host has waited for this device (<see cref="Synchronize"/>, every copy in or out): the
    /// launch-and-sync budget tests count them.</summary>
    public long Synchronizations { get; private set; }

    public void Dispose()
    {
        hostGemm?.Dispose();
        hostPool?.Dispose();
        Accelerator.Dispose();
        Context.Dispose();
    }

    public override string ToString() => $"{Id} ({Name})";
}
