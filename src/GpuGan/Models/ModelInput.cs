namespace GpuGan.Models;

/// <summary>What G takes and D judges: z of LatentSize, images Channels x Height x Width (later: the number of classes).</summary>
public sealed record ModelInput(int LatentSize, int Channels, int Height, int Width)
{
    public override string ToString() => $"z {LatentSize} -> {Channels}x{Height}x{Width}";
}
