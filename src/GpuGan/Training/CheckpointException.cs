namespace GpuGan.Training;

/// <summary>A checkpoint could not be read or does not fit the run: the message is one line naming the file.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);
