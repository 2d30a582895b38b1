using System.Runtime.CompilerServices;
using GpuGan.Models;

namespace GpuGan.Tests.Models;

/// <summary>Registers the test-only models when the test assembly loads, as a plug-in would.</summary>
internal static class TestModels
{
#pragma warning disable CA2255 // a test assembly is the application here: registering at load is the point
    [ModuleInitializer]
    internal static void Register() => ModelCatalog.Register(new TinyMlpGan());
#pragma warning restore CA2255
}
