namespace GpuGan.Check;

/// <summary>
/// Finite differences across a kink (ReLU and LeakyReLU at 0) measure neither side's slope, so cases that fuse such
/// an activation shift each channel's pre-activation values to stay clear of it.
/// </summary>
static class KinkMargin
{
    /// <summary>Per channel of <paramref name="z"/> (N, C, plane), the shift b in [-0.5, 0.5] (steps of 0.005) that keeps
    /// every z + b farthest from 0.</summary>
    public static float[] ShiftsAwayFromZero(double[] z, int n, int channels, int plane)
    {
        var shifts = new float[channels];
        for (int ch = 0; ch < channels; ch++)
        {
            double best = double.NegativeInfinity;
            for (int k = 0; k <= 200; k++)
            {
                float b = -0.5f + k * 0.005f;
                double margin = double.PositiveInfinity;
                for (int i = 0; i < n; i++)
                    for (int p = 0; p < plane; p++)
                        margin = Math.Min(margin, Math.Abs(z[(i * channels + ch) * plane + p] + b));
                if (margin > best) { best = margin; shifts[ch] = b; }
            }
        }
        return shifts;
    }
}
