using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

/// <summary>
/// BatchNorm over (N, C, P) tensors (P = H*W for BatchNorm2d, 1 for BatchNorm1d).
/// mean, invStd: (C) saved by Forward for Backward; sums: (2C) scratch.
/// </summary>
public static class BatchNormOps
{
    /// <summary>
    /// x: (batch, channels, plane); training normalises with the batch statistics and updates the running ones.
    /// y = f(BN(x)) with f the fused <paramref name="activation"/> (Identity: plain BatchNorm).
    /// </summary>
    public static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> y, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> runningMean, ArrayView<float> runningVar, ArrayView<float> mean, ArrayView<float> invStd,
        int batch, int channels, int plane, float eps, float momentum, bool training,
        ActivationFunction activation = ActivationFunction.Identity, float slope = 0f) =>
        Forward(dev, x, y, gamma, beta, runningMean, runningVar, mean, invStd, Params(batch, channels, plane, eps, momentum, training, activation, slope));

    // dGamma += sum g*xhat, dBeta += sum g; dx written (when wanted); g = dy through f' read from Forward's output y
    // (y unread for Identity). Uses mean/invStd saved by Forward with the same sizes, mode and activation.
    public static void Backward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float>? dx, ArrayView<float> gamma,
        ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> sums, ArrayView<float> dGamma, ArrayView<float> dBeta,
        int batch, int channels, int plane, float eps, float momentum, bool training,
        ActivationFunction activation = ActivationFunction.Identity, float slope = 0f) =>
        Backward(dev, x, y, dy, dx, gamma, mean, invStd, sums, dGamma, dBeta, Params(batch, channels, plane, eps, momentum, training, activation, slope));

    static BatchNormParams Params(int batch, int channels, int plane, float eps, float momentum, bool training, ActivationFunction activation, float slope) => new()
    {
        Layout = new ChannelLayout { Batch = batch, Channels = channels, Plane = plane },
        Eps = eps, Momentum = momentum, Training = training ? 1 : 0,
        Activation = activation.ToKernel(), Slope = slope,
    };

    // Per element and pass over dy: the backward kernels read y too when an activation is fused.
    static double FusedBytes(BatchNormParams bn) => bn.Activation == ActivationKind.Identity ? 0.0 : 4.0;

    internal delegate void ForwardLaunch(ArrayView<float> x, ArrayView<float> y, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> runningMean, ArrayView<float> runningVar, ArrayView<float> mean, ArrayView<float> invStd, BatchNormParams bn);
    internal delegate void BackwardLaunch(ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float>? dx, ArrayView<float> gamma,
        ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> sums, ArrayView<float> dGamma, ArrayView<float> dBeta, BatchNormParams bn);

    // The kernel families differ in how a channel is covered: one group per channel reducing with barriers (GPU)
    // or one thread per channel (CPU); the host variant splits whole channels among its workers likewise.
    internal static readonly OpVariants<ForwardLaunch> ForwardVariants = new OpVariants<ForwardLaunch>("BatchNormForward")
        .Register(dev => IlgpuForward(dev, perGroup: true), OpVariant.GpuFamily)
        .Register(dev => IlgpuForward(dev, perGroup: false), OpVariant.CpuFamily)
        .Register(dev => (x, y, gamma, beta, runningMean, runningVar, mean, invStd, bn) =>
        {
            var l = bn.Layout;
            using var _ = dev.Launch("BatchNormForward:Host", (bn.Training != 0 ? 7.0 : 4.0) * l.Length, (bn.Training != 0 ? 16.0 : 8.0) * l.Length);
            dev.Synchronize();
            unsafe
            {
                dev.HostBatchNorm.Forward(HostMemory.Pointer(x), HostMemory.Pointer(y), HostMemory.Pointer(gamma), HostMemory.Pointer(beta),
                    HostMemory.Pointer(runningMean), HostMemory.Pointer(runningVar), HostMemory.Pointer(mean), HostMemory.Pointer(invStd), bn);
            }
        }, OpVariant.HostSimd);

    internal static readonly OpVariants<BackwardLaunch> BackwardVariants = new OpVariants<BackwardLaunch>("BatchNormBackward")
        .Register(dev => IlgpuBackward(dev, perGroup: true), OpVariant.GpuFamily)
        .Register(dev => IlgpuBackward(dev, perGroup: false), OpVariant.CpuFamily)
        .Register(dev => (x, y, dy, dx, gamma, mean, invStd, sums, dGamma, dBeta, bn) =>
        {
            var l = bn.Layout;
            using var _ = dev.Launch("BatchNormBackward:Host", (dx.HasValue ? 12.0 : 5.0) * l.Length, (dx.HasValue ? 20.0 + 2 * FusedBytes(bn) : 8.0 + FusedBytes(bn)) * l.Length);
            dev.Synchronize();
            unsafe
            {
                dev.HostBatchNorm.Backward(HostMemory.Pointer(x), HostMemory.Pointer(y), HostMemory.Pointer(dy), dx.HasValue ? HostMemory.Pointer(dx.Value) : null,
                    HostMemory.Pointer(gamma), HostMemory.Pointer(mean), HostMemory.Pointer(invStd), HostMemory.Pointer(sums),
                    HostMemory.Pointer(dGamma), HostMemory.Pointer(dBeta), bn);
            }
        }, OpVariant.HostSimd);

    // One launch per pass, a channel at a time: statistics (or sums) reduced, then applied over the channel.
    static ForwardLaunch IlgpuForward(ComputeDevice dev, bool perGroup)
    {
        var acc = dev.Accelerator;
        var forwardPerGroup = perGroup ? acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormParams>(BatchNormForward.PerGroup) : null;
        var forwardPerThread = perGroup ? null : acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormParams, ElementRange>(BatchNormForward.PerThread);
        return (x, y, gamma, beta, runningMean, runningVar, mean, invStd, bn) =>
        {
            var l = bn.Layout;
            // training: two passes for the statistics, one to apply; evaluation: one
            double flops = (bn.Training != 0 ? 7.0 : 4.0) * l.Length, bytes = (bn.Training != 0 ? 16.0 : 8.0) * l.Length;
            if (forwardPerGroup != null)
            {
                using var _ = dev.Launch("BatchNormForward.PerGroup", flops, bytes);
                forwardPerGroup(new KernelConfig(l.Channels, GroupReduce.GroupSize), x, y, gamma, beta, mean, invStd, runningMean, runningVar, bn);
            }
            else
            {
                using var _ = dev.Launch("BatchNormForward.PerThread", flops, bytes);
                var r = dev.Range(l.Channels);
                forwardPerThread!(r.Threads, x, y, gamma, beta, mean, invStd, runningMean, runningVar, bn, r);
            }
        };
    }

    static BackwardLaunch IlgpuBackward(ComputeDevice dev, bool perGroup)
    {
        var acc = dev.Accelerator;
        var backwardPerGroup = perGroup ? acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormParams>(BatchNormBackward.PerGroup) : null;
        var backwardPerThread = perGroup ? null : acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormParams, ElementRange>(BatchNormBackward.PerThread);
        return (x, y, dy, dx, gamma, mean, invStd, sums, dGamma, dBeta, bn) =>
        {
            var l = bn.Layout;
            double flops = (dx.HasValue ? 12.0 : 5.0) * l.Length;
            double bytes = (dx.HasValue ? 20.0 + 2 * FusedBytes(bn) : 8.0 + FusedBytes(bn)) * l.Length;
            // Without dx the kernel writes none (bn.InputGradient 0): dy stands in for the view.
            var dxView = dx ?? dy;
            if (backwardPerGroup != null)
            {
                using var _ = dev.Launch("BatchNormBackward.PerGroup", flops, bytes);
                backwardPerGroup(new KernelConfig(l.Channels, GroupReduce.GroupSize), x, y, dy, dxView, gamma, mean, invStd, sums, dGamma, dBeta, bn);
            }
            else
            {
                using var _ = dev.Launch("BatchNormBackward.PerThread", flops, bytes);
                var r = dev.Range(l.Channels);
                backwardPerThread!(r.Threads, x, y, dy, dxView, gamma, mean, invStd, sums, dGamma, dBeta, bn, r);
            }
        };
    }

    internal static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> y, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> runningMean, ArrayView<float> runningVar, ArrayView<float> mean, ArrayView<float> invStd, BatchNormParams bn)
    {
        var l = bn.Layout;
        if (bn.Training != 0 && l.PerChannel < 2)
            throw new ArgumentException($"BatchNorm in training needs more than one value per channel, got batch {l.Batch} x plane {l.Plane}");
        ForwardVariants.For(dev)(x, y, gamma, beta, runningMean, runningVar, mean, invStd, bn);
    }

    internal static void Backward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float>? dx, ArrayView<float> gamma,
        ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> sums, ArrayView<float> dGamma, ArrayView<float> dBeta, BatchNormParams bn) =>
        BackwardVariants.For(dev)(x, y, dy, dx, gamma, mean, invStd, sums, dGamma, dBeta, bn with { InputGradient = dx.HasValue ? 1 : 0 });
}
