namespace GpuGan.Models;

/// <summary>What G takes and D judges: z of LatentSize (and a class label of Classes, 0 when unconditional), images Channels x Height x Width.</summary>
public sealed record ModelInput(int LatentSize, int Channels, int Height, int Width, int Classes = 0)
{
    public override string ToString() => Classes > 0
        ? $"z {LatentSize} + class of {Classes} -> {Channels}x{Height}x{Width}"
        : $"z {LatentSize} -> {Channels}x{Height}x{Width}";
}
