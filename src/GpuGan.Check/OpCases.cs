using GpuGan.Ops;

namespace GpuGan.Check;

/// <summary>
/// The operator table (ggml test-backend-ops style): one list for the tests (every case is one xunit test, by
/// name) and for 'gpugan check'.
/// </summary>
public static class OpCases
{
    public static readonly IReadOnlyList<OpCase> All = Build();
    static readonly Dictionary<string, OpCase> byName = All.ToDictionary(c => c.Name);

    public static OpCase Get(string name) => byName[name];

    /// <summary>
    /// A short run for 'gpugan check --quick': the cases also run on the GPU family (a spread of the generated
    /// convolutions, tiled GEMMs, group reductions), the first case of every other op kind, and DCGAN's own shapes.
    /// </summary>
    public static readonly IReadOnlyList<OpCase> Quick = All
        .Where(c => c.Gpu || c.Name.StartsWith("dcgan", StringComparison.Ordinal) || !All.Any(o => o.Op == c.Op && o.Gpu) && ReferenceEquals(All.First(o => o.Op == c.Op), c))
        .ToList();

    static string ConvName(string op, int n, int c, int h, int w, int cout, ConvOptions o, bool bias)
    {
        string s = $"{op}_n{n}_c{c}_{h}x{w}_co{cout}_k{o.KernelH}x{o.KernelW}_s{o.StrideH}x{o.StrideW}_p{o.PadH}x{o.PadW}";
        if (o.OutputPadH != 0 || o.OutputPadW != 0) s += $"_op{o.OutputPadH}x{o.OutputPadW}";
        return bias ? s : s + "_nobias";
    }

    static OpCase ConvCase(OpKind op, int n, int c, int h, int w, int cout, ConvOptions o, bool bias = true, bool gpu = false, string? name = null) =>
        new(name ?? ConvName(op == OpKind.Conv2d ? "conv2d" : "convT2d", n, c, h, w, cout, o, bias), op)
        { N = n, C = c, H = h, W = w, Cout = cout, Conv = o, Bias = bias, Gpu = gpu };

    static OpCase Pool(int n, int c, int h, int w, PoolOptions o, bool negative = false, bool ties = false, bool gpu = false, string? name = null)
    {
        static string Pair(int a, int b) => a == b ? $"{a}" : $"{a}x{b}";
        name ??= $"maxpool2d_n{n}_c{c}_{h}x{w}_k{Pair(o.KernelH, o.KernelW)}_s{Pair(o.StrideH, o.StrideW)}_p{Pair(o.PadH, o.PadW)}" + (negative ? "_negative" : "");
        return new(name, OpKind.MaxPool2d) { N = n, C = c, H = h, W = w, Pool = o, NegativeInputs = negative, Ties = ties, Gpu = gpu };
    }

    static List<OpCase> Build()
    {
        var all = new List<OpCase>();

        // ---- Conv2d and ConvTranspose2d, generated: kernels 1-5 x strides 1-3, padding 0-2 cycling, odd and
        // non-square images, batch 1-3, odd channel counts; every 5th one also on the GPU family.
        int[][] images = [[7, 5], [6, 9], [5, 5], [8, 3], [9, 7], [4, 6], [3, 8]];
        int idx = 0;
        for (int k = 1; k <= 5; k++)
        for (int s = 1; s <= 3; s++)
        {
            int p = (k + s + idx) % 3;
            if (p > 0 && 2 * p >= k + 1 && k > 1) p = k / 2;              // keep padding plausible for the kernel
            if (k == 1) p = idx % 2;
            var img = images[idx % images.Length];
            int n = 1 + idx % 3, cin = 1 + (idx * 2) % 3, cout = 1 + (idx * 3) % 5;
            int h = Math.Max(img[0], k), w = Math.Max(img[1], k);
            bool bias = idx % 4 != 3;
            all.Add(ConvCase(OpKind.Conv2d, n, cin, h, w, cout, ConvOptions.Square(k, s, p), bias, gpu: idx % 5 == 0));
            // transposed: output_padding 1 wherever the stride allows it on odd idx
            int op = s > 1 && idx % 2 == 1 ? 1 : 0;
            int th = Math.Max(2, img[1] - 2), tw = Math.Max(2, img[0] - 2);
            var to = ConvOptions.Square(k, s, Math.Min(p, (k - 1)), op);
            if ((th - 1) * s - 2 * to.PadH + k + op >= 1 && (tw - 1) * s - 2 * to.PadW + k + op >= 1)
                all.Add(ConvCase(OpKind.ConvTranspose2d, n, cout, th, tw, cin, to, bias, gpu: idx % 5 == 2));
            idx++;
        }

        // ---- hand-picked convolutions
        all.Add(ConvCase(OpKind.Conv2d, 2, 3, 1, 1, 4, ConvOptions.Square(1), gpu: true));                       // 1x1 image
        all.Add(ConvCase(OpKind.Conv2d, 1, 2, 6, 5, 3, new ConvOptions(3, 1, 2, 1, 1, 0)));                      // rectangular kernel, stride, pad
        all.Add(ConvCase(OpKind.Conv2d, 2, 2, 5, 8, 3, new ConvOptions(2, 5, 1, 3, 0, 2), gpu: true));
        all.Add(ConvCase(OpKind.Conv2d, 1, 1, 3, 3, 2, ConvOptions.Square(5, 1, 2)));                              // kernel larger than the image
        all.Add(ConvCase(OpKind.ConvTranspose2d, 1, 2, 3, 4, 3, new ConvOptions(3, 2, 2, 3, 1, 0, 1, 2)));       // rectangular, output_padding (1,2)
        all.Add(ConvCase(OpKind.ConvTranspose2d, 2, 3, 1, 1, 2, ConvOptions.Square(4, 1, 0)));                   // 1x1 input
        all.Add(ConvCase(OpKind.ConvTranspose2d, 1, 3, 3, 3, 2, ConvOptions.Square(3, 3, 2, 2), gpu: true));     // p > k/2, output_padding 2
        // a GEMM wider than one 64x64 GPU tile (M and N past 64, K past several 16-slices)
        all.Add(ConvCase(OpKind.Conv2d, 1, 5, 9, 9, 67, ConvOptions.Square(3, 1, 0), name: "conv2d_gemm_tiles_5to67_9x9"));
        // DCGAN's own shapes (MNIST 28x28), small batch
        all.Add(ConvCase(OpKind.Conv2d, 2, 1, 28, 28, 64, ConvOptions.Square(4, 2, 1), name: "dcgan_D_conv1_1to64_28x28"));
        all.Add(ConvCase(OpKind.Conv2d, 1, 64, 14, 14, 128, ConvOptions.Square(4, 2, 1), name: "dcgan_D_conv2_64to128_14x14"));
        all.Add(ConvCase(OpKind.ConvTranspose2d, 1, 128, 7, 7, 64, ConvOptions.Square(4, 2, 1), name: "dcgan_G_convT1_128to64_7x7"));
        all.Add(ConvCase(OpKind.ConvTranspose2d, 2, 64, 14, 14, 1, ConvOptions.Square(4, 2, 1), name: "dcgan_G_convT2_64to1_14x14"));

        // Bias + the activation after it fused (y = f(conv(x) + b), f' read from y, one launch each way); kinked
        // ones with few values per channel, so the bias can keep every pre-activation clear of the kink (ConvProblem).
        OpCase ConvAct(OpCase conv, ActivationFunction f, float slope = 0f) =>
            conv with { Name = conv.Name + $"_{f}" + (f == ActivationFunction.LeakyRelu ? $"_{slope}" : ""), Act = f, Slope = slope };
        all.Add(ConvAct(ConvCase(OpKind.Conv2d, 2, 3, 4, 3, 2, ConvOptions.Square(3, 1, 1), gpu: true), ActivationFunction.LeakyRelu, 0.2f));
        all.Add(ConvAct(ConvCase(OpKind.Conv2d, 1, 2, 6, 5, 3, ConvOptions.Square(3, 2, 1), gpu: true), ActivationFunction.Relu));
        all.Add(ConvAct(ConvCase(OpKind.Conv2d, 2, 2, 6, 6, 4, ConvOptions.Square(4, 2, 1), gpu: true), ActivationFunction.Tanh));
        all.Add(ConvAct(ConvCase(OpKind.Conv2d, 1, 3, 4, 5, 2, ConvOptions.Square(2, 1, 0)), ActivationFunction.Sigmoid));
        all.Add(ConvAct(ConvCase(OpKind.ConvTranspose2d, 1, 2, 2, 3, 3, ConvOptions.Square(3, 2, 1, 1), gpu: true), ActivationFunction.LeakyRelu, 0.01f));
        all.Add(ConvAct(ConvCase(OpKind.ConvTranspose2d, 2, 2, 2, 2, 2, ConvOptions.Square(3, 1, 0), gpu: true), ActivationFunction.Relu));
        all.Add(ConvAct(ConvCase(OpKind.ConvTranspose2d, 2, 3, 3, 3, 2, ConvOptions.Square(4, 2, 1), gpu: true), ActivationFunction.Tanh));
        all.Add(ConvAct(ConvCase(OpKind.ConvTranspose2d, 1, 3, 3, 3, 2, ConvOptions.Square(2, 2, 0)), ActivationFunction.Sigmoid));
        // DCGAN's fused pairs: D.conv1 + LeakyReLU(0.2) on a small image (kinked: few values per channel), G.deconv2 + Tanh at full size
        all.Add(ConvAct(ConvCase(OpKind.Conv2d, 1, 1, 8, 8, 64, ConvOptions.Square(4, 2, 1), name: "dcgan_D_conv1_1to64_8x8"), ActivationFunction.LeakyRelu, 0.2f));
        all.Add(ConvAct(ConvCase(OpKind.ConvTranspose2d, 2, 64, 14, 14, 1, ConvOptions.Square(4, 2, 1), name: "dcgan_G_convT2_64to1_14x14"), ActivationFunction.Tanh));

        // ---- Linear
        OpCase Lin(int n, int i, int o, bool bias = true, bool gpu = false, string? name = null) =>
            new(name ?? $"linear_n{n}_{i}to{o}{(bias ? "" : "_nobias")}", OpKind.Linear) { N = n, C = i, Cout = o, Bias = bias, Gpu = gpu };
        all.Add(Lin(1, 1, 1, gpu: true));
        all.Add(Lin(1, 7, 5));
        all.Add(Lin(3, 13, 9, gpu: true));
        all.Add(Lin(2, 9, 4, bias: false));
        all.Add(Lin(5, 70, 67, gpu: true));                 // past one 64-tile in every GEMM of the layer
        all.Add(Lin(2, 100, 6272, name: "dcgan_G_linear_100to6272"));
        all.Add(Lin(3, 6272, 1, name: "dcgan_D_linear_6272to1"));

        // ---- BatchNorm (1d: plane 1; 2d) train and eval
        OpCase Bn(int n, int c, int h, int w, bool twoD, bool training, bool gpu = false, string? name = null) =>
            new(name ?? $"batchnorm{(twoD ? "2d" : "1d")}_{(training ? "train" : "eval")}_n{n}_c{c}" + (twoD ? $"_{h}x{w}" : ""), OpKind.BatchNorm)
            { N = n, C = c, H = h, W = w, Plane2d = twoD, Training = training, Gpu = gpu };
        all.Add(Bn(2, 3, 1, 1, false, true, gpu: true));    // two values per channel: the minimum for training
        all.Add(Bn(5, 7, 1, 1, false, true));
        all.Add(Bn(1, 3, 5, 7, true, true, gpu: true));     // batch 1 is fine in 2d: the plane gives the values
        all.Add(Bn(3, 4, 3, 2, true, true));
        all.Add(Bn(1, 5, 1, 1, false, false, gpu: true));   // eval: batch 1 in 1d is valid
        all.Add(Bn(2, 3, 3, 5, true, false, gpu: true));
        all.Add(Bn(2, 5, 17, 19, true, true, gpu: true));   // 646 values per channel: several rounds of a 256-thread group
        all.Add(Bn(2, 128, 7, 7, true, true, name: "dcgan_G_batchnorm2d_128_7x7"));
        all.Add(Bn(3, 64, 14, 14, true, false, name: "dcgan_G_batchnorm2d_eval_64_14x14"));
        // BatchNorm with the activation after it fused (y = f(BN(x)), f' read from y); kinked ones with few values
        // per channel, so beta can keep every pre-activation clear of the kink (BatchNormProblem).
        OpCase BnAct(OpCase bn, ActivationFunction f, float slope = 0f) =>
            bn with { Name = bn.Name + $"_{f}" + (f == ActivationFunction.LeakyRelu ? $"_{slope}" : ""), Act = f, Slope = slope };
        all.Add(BnAct(Bn(5, 7, 1, 1, false, true, gpu: true), ActivationFunction.Relu));
        all.Add(BnAct(Bn(3, 4, 3, 2, true, true, gpu: true), ActivationFunction.LeakyRelu, 0.2f));
        all.Add(BnAct(Bn(4, 3, 1, 1, false, false), ActivationFunction.LeakyRelu, 0.2f));
        all.Add(BnAct(Bn(2, 3, 3, 5, true, false, gpu: true), ActivationFunction.Relu));
        all.Add(BnAct(Bn(2, 3, 4, 5, true, true), ActivationFunction.Relu));
        all.Add(BnAct(Bn(3, 5, 2, 3, true, false), ActivationFunction.LeakyRelu, 0.01f));
        all.Add(BnAct(Bn(2, 5, 17, 19, true, true, gpu: true), ActivationFunction.Tanh));   // several rounds of a group; smooth f
        all.Add(BnAct(Bn(6, 4, 1, 1, false, true), ActivationFunction.Sigmoid));
        all.Add(BnAct(Bn(2, 4, 3, 3, true, false), ActivationFunction.Tanh));

        // ---- activations
        foreach (var (kind, slope, len) in new[] { (ActivationFunction.Relu, 0f, 37), (ActivationFunction.LeakyRelu, 0.2f, 101), (ActivationFunction.LeakyRelu, 0.01f, 5),
                     (ActivationFunction.Tanh, 0f, 63), (ActivationFunction.Sigmoid, 0f, 129), (ActivationFunction.Identity, 0f, 3), (ActivationFunction.Relu, 0f, 1) })
            all.Add(new($"act_{kind}{(kind == ActivationFunction.LeakyRelu ? $"_{slope}" : "")}_{len}", OpKind.Activation) { Act = kind, Slope = slope, Length = len });
        // NaN in, NaN out, as PyTorch; the backward passes dy (ReLU) or slope * dy (leaky) at a NaN (issue 14).
        // 37 elements: NaNs in whole SIMD vectors and in the scalar tail.
        all.Add(new("act_Relu_nan_37", OpKind.Activation) { Act = ActivationFunction.Relu, Length = 37, NaNInputs = true, Gpu = true });
        all.Add(new("act_LeakyRelu_0.2_nan_37", OpKind.Activation) { Act = ActivationFunction.LeakyRelu, Slope = 0.2f, Length = 37, NaNInputs = true, Gpu = true });

        // ---- GAN loss terms (mean over the batch; gradient of weight * mean), every one on the GPU family too:
        // a term is one launch, one group (GPU) or one thread (CPU), so batches over 256 loop in the group
        OpCase L(LossFunction k, float t, int n, float scale = 4f, float weight = 1f) =>
            new($"loss_{k}_t{t}_n{n}" + (scale != 4f ? $"_scale{scale}" : "") + (weight != 1f ? $"_w{weight}" : ""), OpKind.Loss)
            { Loss = k, Target = t, Length = n, Scale = scale, LossWeight = weight, Gpu = true };
        all.Add(L(LossFunction.BceWithLogits, 1f, 7));
        all.Add(L(LossFunction.BceWithLogits, 0f, 64));
        all.Add(L(LossFunction.BceWithLogits, 0.9f, 1));        // label smoothing, batch 1
        all.Add(L(LossFunction.BceWithLogits, 0f, 33, scale: 30f)); // large logits: the stable form must not overflow
        all.Add(L(LossFunction.LogOneMinusSigmoid, 0f, 9));
        all.Add(L(LossFunction.SquaredError, 1f, 5));
        all.Add(L(LossFunction.SquaredError, 0f, 16, weight: 0.5f));
        all.Add(L(LossFunction.Hinge, -1f, 11));
        all.Add(L(LossFunction.Hinge, 1f, 12, scale: 2f));
        all.Add(L(LossFunction.Linear, -1f, 3));
        all.Add(L(LossFunction.Linear, 1f, 8, weight: 10f));
        all.Add(L(LossFunction.BceWithLogits, 1f, 257));       // one past a group: thread 0 takes two samples
        all.Add(L(LossFunction.LogOneMinusSigmoid, 0f, 1024));  // four full rounds of a group
        all.Add(L(LossFunction.Hinge, -1f, 600));
        // one target per sample (soft or noisy labels), read from a tensor
        OpCase Lt(LossFunction k, int n, float scale = 4f, float weight = 1f) =>
            new($"loss_{k}_targets_n{n}" + (scale != 4f ? $"_scale{scale}" : "") + (weight != 1f ? $"_w{weight}" : ""), OpKind.Loss)
            { Loss = k, PerSampleTargets = true, Length = n, Scale = scale, LossWeight = weight, Gpu = true };
        all.Add(Lt(LossFunction.BceWithLogits, 13));
        all.Add(Lt(LossFunction.BceWithLogits, 1, weight: 0.5f));
        all.Add(Lt(LossFunction.SquaredError, 10));
        all.Add(Lt(LossFunction.SquaredError, 37, scale: 2f, weight: 3f));
        all.Add(Lt(LossFunction.BceWithLogits, 1000, weight: 0.5f)); // four added cases keep OpCaseNames.Determinism's later picks

        // ---- MaxPool2d, generated: every kernel 1-3 x stride 1-3 x padding 0-1 that PyTorch accepts (padding at
        // most half the kernel): overlapping windows (stride < kernel), stride > kernel (inputs in no window), odd and
        // non-square images; every other one with all inputs negative (padding must read as -inf, not 0).
        int[][] poolImages = [[7, 5], [6, 9], [5, 5], [9, 7], [4, 6], [3, 8], [8, 3]];
        int poolIdx = 0;
        for (int k = 1; k <= 3; k++)
        for (int s = 1; s <= 3; s++)
        for (int p = 0; p <= 1; p++)
        {
            if (2 * p > k) continue;
            var img = poolImages[poolIdx % poolImages.Length];
            int n = 1 + poolIdx % 3, ch = 1 + (poolIdx * 2) % 3;
            all.Add(Pool(n, ch, img[0], img[1], PoolOptions.Square(k, s, p), negative: poolIdx % 2 == 1, gpu: poolIdx % 4 == 0));
            poolIdx++;
        }
        all.Add(Pool(2, 3, 7, 8, new PoolOptions(2, 3, 1, 2, 1, 0), gpu: true));          // rectangular window, stride, padding
        all.Add(Pool(1, 2, 2, 2, PoolOptions.Square(2, 1, 1), negative: true));            // every window partly padding
        all.Add(Pool(2, 2, 6, 7, PoolOptions.Square(3, 2, 1), name: "maxpool2d_ties_n2_c2_6x7_k3_s2_p1", ties: true, gpu: true));
        // the LeNet classifier's pools, small batch
        all.Add(Pool(2, 16, 28, 28, PoolOptions.Square(2), name: "lenet_maxpool1_16_28x28"));
        all.Add(Pool(2, 32, 14, 14, PoolOptions.Square(2), name: "lenet_maxpool2_32_14x14"));

        // ---- AdaptiveAvgPool2d (F.adaptive_avg_pool2d): integral (plain average pooling) and non-integral ratios
        // (windows share a row or column), identity, non-square, upsampling (windows of 1-2 repeated inputs)
        OpCase Adaptive(int n, int c, int h, int w, int oh, int ow, bool gpu = false, string? name = null) =>
            new(name ?? $"adaptive_avgpool2d_n{n}_c{c}_{h}x{w}_to{oh}x{ow}", OpKind.AdaptiveAvgPool2d) { N = n, C = c, H = h, W = w, OutH = oh, OutW = ow, Gpu = gpu };
        all.Add(Adaptive(2, 3, 7, 7, 3, 3, gpu: true));     // 7 -> 3: windows of 3, overlapping
        all.Add(Adaptive(3, 2, 6, 6, 3, 3));                // integral: 2x2 average pooling
        all.Add(Adaptive(1, 2, 5, 5, 5, 5));                // identity
        all.Add(Adaptive(1, 3, 9, 7, 4, 3, gpu: true));     // non-square, non-integral both ways
        all.Add(Adaptive(2, 1, 8, 12, 2, 4));               // non-square, integral (4x3 windows)
        all.Add(Adaptive(1, 2, 3, 4, 5, 6, gpu: true));     // output larger than the input
        all.Add(Adaptive(1, 4, 11, 5, 1, 1));               // global average pooling
        // the metrics' downscale of 64x64 samples to the classifier's 28x28
        all.Add(Adaptive(1, 1, 64, 64, 28, 28, name: "fid_downscale_64to28_n1"));
        all.Add(Adaptive(2, 2, 64, 64, 28, 28, name: "fid_downscale_64to28_n2_c2"));

        // ---- softmax cross-entropy with integer labels (mean over rows; gradient of weight * mean), softmax
        OpCase Ce(int n, int classes, float scale = 4f, float weight = 1f, bool gpu = false) =>
            new($"cross_entropy_n{n}_c{classes}" + (scale != 4f ? $"_scale{scale}" : "") + (weight != 1f ? $"_w{weight}" : ""), OpKind.CrossEntropy)
            { N = n, C = classes, Scale = scale, LossWeight = weight, Gpu = gpu };
        all.Add(Ce(1, 10, gpu: true));
        all.Add(Ce(7, 10));
        all.Add(Ce(64, 10, gpu: true));                    // the classifier's batch
        all.Add(Ce(5, 3, weight: 0.5f));
        all.Add(Ce(33, 10, scale: 40f));                   // large logits: the max-shifted form must not overflow
        all.Add(Ce(3, 1));                                 // one class: loss and gradient 0

        // ---- optimizers
        all.Add(new("adam_fresh_3steps_n37", OpKind.Adam) { Length = 37 });
        all.Add(new("adam_l2_wd0.01_midtraining_n101", OpKind.Adam) { Length = 101, WeightDecay = 0.01f, FreshState = false, StartStep = 40 });
        all.Add(new("adamw_wd0.1_n64", OpKind.Adam) { Length = 64, WeightDecay = 0.1f, Decoupled = true, Lr = 1e-3f, Beta1 = 0.9f });
        all.Add(new("adamw_wd0.05_midtraining_n5", OpKind.Adam) { Length = 5, WeightDecay = 0.05f, Decoupled = true, FreshState = false, StartStep = 1000, Steps = 2 });
        all.Add(new("sgd_momentum0.9_first_n33", OpKind.Sgd) { Length = 33, Lr = 0.05f, Momentum = 0.9f });
        all.Add(new("sgd_momentum0.5_wd0.01_buffered_n7", OpKind.Sgd) { Length = 7, Lr = 0.1f, Momentum = 0.5f, WeightDecay = 0.01f, FreshState = false });
        all.Add(new("sgd_plain_wd0.001_n10", OpKind.Sgd) { Length = 10, Lr = 0.01f, WeightDecay = 0.001f, FreshState = false });
        all.Add(new("clip_0.01_n99", OpKind.ClipWeights) { Length = 99, Clip = 0.01f });
        all.Add(new("clip_1.5_n4", OpKind.ClipWeights) { Length = 4, Clip = 1.5f });
        all.Add(new("ema_0.999_n37", OpKind.Ema) { Length = 37, Decay = 0.999f });
        all.Add(new("ema_0.5_n130", OpKind.Ema) { Length = 130, Decay = 0.5f, Steps = 2 });
        all.Add(new("ema_0_copies_n9", OpKind.Ema) { Length = 9, Decay = 0f, Steps = 1 });

        // ---- class-conditional GANs: label embedding (table gradient accumulated), channel concatenation,
        // row dot product (the projection discriminator). Appended last, so earlier cases keep their places.
        OpCase Emb(int n, int classes, int dim, bool oddUnused = false, bool gpu = false, string? name = null) =>
            new(name ?? $"embedding_n{n}_c{classes}_d{dim}" + (oddUnused ? "_odd_unused" : ""), OpKind.Embedding)
            { N = n, C = classes, Cout = dim, OddClassesUnused = oddUnused, Gpu = gpu };
        all.Add(Emb(1, 1, 1, gpu: true));                  // batch 1, one class
        all.Add(Emb(7, 1, 5));                             // one class: every label the same
        all.Add(Emb(13, 9, 7, oddUnused: true, gpu: true)); // repeated labels (13 over 5 even classes), odd classes unused
        all.Add(Emb(3, 11, 4));                            // fewer labels than classes
        all.Add(Emb(1, 10, 50));
        all.Add(Emb(64, 10, 50, name: "cgan_embedding_n64_c10_d50"));

        OpCase Cat(int n, int ca, int cb, int h = 1, int w = 1, bool broadcast = false, bool gpu = false, string? name = null) =>
            new(name ?? $"concat_n{n}_c{ca}+{cb}" + (h * w > 1 ? $"_{h}x{w}" : "") + (broadcast ? "_broadcast" : ""), OpKind.ConcatChannels)
            { N = n, C = ca, Cout = cb, H = h, W = w, Broadcast = broadcast, Gpu = gpu };
        all.Add(Cat(1, 1, 1));                             // P = 1: feature concatenation, batch 1
        all.Add(Cat(3, 5, 7));
        all.Add(Cat(2, 3, 2, 5, 7, gpu: true));            // P > 1, b per position
        all.Add(Cat(2, 3, 4, 5, 7, broadcast: true, gpu: true)); // b (N, Cb) repeated at every position
        all.Add(Cat(3, 1, 5, 7, 7, broadcast: true));
        all.Add(Cat(1, 2, 3, broadcast: true));            // broadcast over a single position: a plain concatenation
        all.Add(Cat(64, 100, 50, name: "cgan_concat_z100_embedding50_n64"));
        all.Add(Cat(4, 1, 10, 28, 28, broadcast: true, name: "cgan_concat_image_label10_n4_28x28_broadcast"));

        OpCase Dot(int n, int features, bool accumulate = false, bool accumulateGrad = false, bool gpu = false, string? name = null) =>
            new(name ?? $"rowdot_n{n}_f{features}" + (accumulate ? "_acc" : "") + (accumulateGrad ? "_accgrad" : ""), OpKind.RowDot)
            { N = n, C = features, Accumulate = accumulate, AccumulateGrad = accumulateGrad, Gpu = gpu };
        all.Add(Dot(1, 1));
        all.Add(Dot(5, 13));
        all.Add(Dot(3, 7, accumulate: true, gpu: true));   // y added to a prefilled y
        all.Add(Dot(4, 9, accumulateGrad: true));          // da added to a prefilled da
        all.Add(Dot(2, 33, accumulate: true, accumulateGrad: true, gpu: true));
        // the projection discriminator on MNIST: embedding . phi(x) (6272 features) added to the linear output
        all.Add(Dot(64, 6272, accumulate: true, accumulateGrad: true, name: "cgan_rowdot_projection_n64_f6272"));
        return all;
    }
}
