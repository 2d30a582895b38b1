namespace GpuGan.Device;

/// <summary>A device could not be chosen, created or fed: the message is one line for the user.</summary>
public sealed class DeviceException(string message, Exception? inner = null) : Exception(message, inner);
