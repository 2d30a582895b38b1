namespace GpuGan.Bench;

/// <summary>What an op computes; the same list drives the TorchSharp and the GpuGan side.</summary>
public enum OpKind { Linear, Conv2d, ConvTranspose2d, BatchNorm1d, BatchNorm2d, Relu, LeakyRelu, Tanh, BceWithLogits, AdamStep }

/// <summary>Which pass of the op is timed.</summary>
public enum OpPass
{
    Forward,
    /// <summary>Linear/BatchNorm/element-wise: every input gradient at once (data, weight, bias).</summary>
    Backward,
    BackwardData,
    BackwardWeight,
    /// <summary>Optimizer step.</summary>
    Step,
}

/// <summary>
/// One benchmarked op at one shape. Channels are (InC, OutC); Linear uses them as (in, out) features;
/// element-wise ops and BatchNorm use InC as the channel count (H = W = 1: an (N, InC) tensor, e.g. BatchNorm1d). For AdamStep, Network names the model
/// ("G" or "D") whose parameters are updated and ParamCount their total.
/// </summary>
public sealed record OpShape(
    string Name, OpKind Kind, OpPass Pass, int N,
    int InC, int OutC = 0, int H = 1, int W = 1,
    int K = 0, int Stride = 1, int Pad = 0,
    string Network = "", long ParamCount = 0)
{
    public int OutH => Kind switch
    {
        OpKind.Conv2d => (H + 2 * Pad - K) / Stride + 1,
        OpKind.ConvTranspose2d => (H - 1) * Stride - 2 * Pad + K,
        _ => H,
    };
    public int OutW => Kind switch
    {
        OpKind.Conv2d => (W + 2 * Pad - K) / Stride + 1,
        OpKind.ConvTranspose2d => (W - 1) * Stride - 2 * Pad + K,
        _ => W,
    };

    /// <summary>Elements of the (input) activation tensor.</summary>
    public long Elements => (long)N * InC * H * W;

    /// <summary>
    /// Floating-point operations of one call. Convolutions: 2*N*Cout*Hout*Wout*Cin*kh*kw for fwd, bwd-data
    /// and bwd-weight alike (a transposed convolution counts as the convolution it is the adjoint of, i.e.
    /// 2*N*Cin*Hin*Win*Cout*kh*kw). Linear: 2*N*in*out for fwd, twice that for bwd (data + weight).
    /// Memory-bound ops get nominal counts per element: element-wise fwd 1 / bwd 2, BatchNorm (training)
    /// fwd 6 / bwd 10, BCE-with-logits fwd 5 / bwd 3, Adam 12 per parameter. Bias additions and bias
    /// gradients (every conv and linear has a bias) are not counted.
    /// </summary>
    public double Flops => Kind switch
    {
        OpKind.Conv2d => 2.0 * N * OutC * OutH * OutW * InC * K * K,
        OpKind.ConvTranspose2d => 2.0 * N * InC * H * W * OutC * K * K,
        OpKind.Linear => (Pass == OpPass.Forward ? 2.0 : 4.0) * N * InC * OutC,
        OpKind.BatchNorm1d or OpKind.BatchNorm2d => (Pass == OpPass.Forward ? 6.0 : 10.0) * Elements,
        OpKind.Relu or OpKind.LeakyRelu or OpKind.Tanh => (Pass == OpPass.Forward ? 1.0 : 2.0) * Elements,
        OpKind.BceWithLogits => (Pass == OpPass.Forward ? 5.0 : 3.0) * Elements,
        OpKind.AdamStep => 12.0 * ParamCount,
        _ => 0,
    };
}

/// <summary>
/// GpuGan's default DCGAN (src/GpuGan/Models/Dcgan28.cs: 28x28x1 images, z of 100) at
/// batch 64, layer by layer, and the op list both sides of the benchmark time. Every conv, conv-transpose
/// and linear layer has a bias (as in GpuGan).
/// G: z(100) -> Linear(100->6272) -> BN1d(6272) -> ReLU -> view 128x7x7
///    -> ConvT(128->64,k4,s2,p1) 7->14 -> BN2d(64) -> ReLU -> ConvT(64->1,k4,s2,p1) 14->28 -> tanh   (778,305 params)
/// D: Conv(1->64,k4,s2,p1) 28->14 -> LeakyReLU(0.2) -> Conv(64->128,k4,s2,p1) 14->7 -> BN2d(128)
///    -> LeakyReLU(0.2) -> flatten -> Linear(6272->1)                                                  (138,817 params)
/// </summary>
public static class DcganShapes
{
    public const int Batch = 64;
    public const int Nz = 100;
    public const int ImageSize = 28;
    public const int ImageChannels = 1;
    public const int G0 = 128;          // channels after the first Linear (7x7)
    public const int G1 = 64;           // channels at 14x14
    public const int D0 = 64;           // channels at 14x14
    public const int D1 = 128;          // channels at 7x7
    public const int Base = 7;          // spatial size after the Linear / before D's Linear
    public const int Kernel = 4, Stride = 2, Pad = 1;
    public const double LeakySlope = 0.2;
    public const int FlatFeatures = D1 * Base * Base; // 6272
    public const int GLinearOut = G0 * Base * Base;   // 6272

    /// <summary>Parameter count of G: Linear (w+b), BN1d(6272), ConvT 128->64 (w+b), BN2d(64), ConvT 64->1 (w+b): 778,305.</summary>
    public const long GParams = (long)Nz * GLinearOut + GLinearOut + 2 * GLinearOut
        + (long)G0 * G1 * Kernel * Kernel + G1 + 2 * G1 + (long)G1 * ImageChannels * Kernel * Kernel + ImageChannels;

    /// <summary>Parameter count of D: Conv 1->64 (w+b), Conv 64->128 (w+b), BN2d(128), Linear (w+b): 138,817.</summary>
    public const long DParams = (long)ImageChannels * D0 * Kernel * Kernel + D0 + (long)D0 * D1 * Kernel * Kernel + D1
        + 2 * D1 + FlatFeatures + 1;

    public static IReadOnlyList<OpShape> Ops { get; } = BuildOps();

    static string PassName(OpPass p) => p switch
    {
        OpPass.Forward => "fwd",
        OpPass.Backward => "bwd",
        OpPass.BackwardData => "bwd-data",
        OpPass.BackwardWeight => "bwd-weight",
        _ => "step",
    };

    static IReadOnlyList<OpShape> BuildOps()
    {
        const int n = Batch;
        OpPass[] ConvPasses = [OpPass.Forward, OpPass.BackwardData, OpPass.BackwardWeight];
        OpPass[] FwdBwd = [OpPass.Forward, OpPass.Backward];
        var ops = new List<OpShape>();
        void Linear(int i, int o) { foreach (var p in FwdBwd) ops.Add(new($"linear {i}->{o} {PassName(p)}", OpKind.Linear, p, n, i, o)); }
        void Conv(OpKind kind, int ci, int co, int hw)
        {
            string name = kind == OpKind.Conv2d ? "conv2d" : "conv_transpose2d";
            foreach (var p in ConvPasses)
                ops.Add(new($"{name} {ci}->{co} k{Kernel}s{Stride}p{Pad} {hw}x{hw} {PassName(p)}", kind, p, n, ci, co, hw, hw, Kernel, Stride, Pad));
        }
        void Pointwise(OpKind kind, string name, int c, int hw)
        {
            string shape = hw == 1 ? $"{c}" : $"{c}x{hw}x{hw}";
            foreach (var p in FwdBwd) ops.Add(new($"{name} {shape} {PassName(p)}", kind, p, n, c, c, hw, hw));
        }

        // Generator, in forward order (the view to 128x7x7 after the first ReLU costs nothing).
        Linear(Nz, GLinearOut);
        Pointwise(OpKind.BatchNorm1d, "batchnorm1d", GLinearOut, 1);
        Pointwise(OpKind.Relu, "relu", GLinearOut, 1);
        Conv(OpKind.ConvTranspose2d, G0, G1, Base);
        Pointwise(OpKind.BatchNorm2d, "batchnorm2d", G1, 2 * Base);
        Pointwise(OpKind.Relu, "relu", G1, 2 * Base);
        Conv(OpKind.ConvTranspose2d, G1, ImageChannels, 2 * Base);
        Pointwise(OpKind.Tanh, "tanh", ImageChannels, ImageSize);
        // Discriminator.
        Conv(OpKind.Conv2d, ImageChannels, D0, ImageSize);
        Pointwise(OpKind.LeakyRelu, "leaky_relu", D0, 2 * Base);
        Conv(OpKind.Conv2d, D0, D1, 2 * Base);
        Pointwise(OpKind.BatchNorm2d, "batchnorm2d", D1, Base);
        Pointwise(OpKind.LeakyRelu, "leaky_relu", D1, Base);
        Linear(FlatFeatures, 1);
        // Loss and optimizer.
        foreach (var p in FwdBwd) ops.Add(new($"bce_with_logits {n}x1 {PassName(p)}", OpKind.BceWithLogits, p, n, 1));
        ops.Add(new($"adam step G ({GParams} params)", OpKind.AdamStep, OpPass.Step, n, 0, Network: "G", ParamCount: GParams));
        ops.Add(new($"adam step D ({DParams} params)", OpKind.AdamStep, OpPass.Step, n, 0, Network: "D", ParamCount: DParams));
        return ops;
    }
}
