namespace GpuGan.Check;

/// <summary>The op a table case exercises.</summary>
public enum OpKind { Conv2d, ConvTranspose2d, Linear, BatchNorm, Activation, Loss, Adam, Sgd, ClipWeights, Ema, MaxPool2d, CrossEntropy, Embedding, ConcatChannels, RowDot, AdaptiveAvgPool2d }
