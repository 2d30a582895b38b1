using System.Reflection;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.GpuCode;

/// <summary>
/// Every kernel entry point of GpuGan.Kernels, found by reflection, so a new kernel is compiled, assembled and
/// listed without being registered anywhere. Names are Class.Method (overloads get their parameter types).
/// </summary>
public static class KernelCatalog
{
    /// <summary>All kernels by name, in ordinal order.</summary>
    public static readonly IReadOnlyDictionary<string, MethodInfo> All = Find(typeof(GemmSharedTiled).Assembly);

    /// <summary>A kernel entry point: a public static void method taking at least one ArrayView.</summary>
    public static bool IsKernel(MethodInfo m) =>
        m.IsPublic && m.IsStatic && m.ReturnType == typeof(void)
        && m.GetParameters().Any(p => IsArrayView(p.ParameterType));

    /// <summary>Implicitly grouped kernels take an Index1D/2D/3D first; explicitly grouped ones (Group./Grid.) none.</summary>
    public static bool IsImplicitlyGrouped(MethodInfo kernel)
    {
        var first = kernel.GetParameters().FirstOrDefault()?.ParameterType;
        return first == typeof(Index1D) || first == typeof(Index2D) || first == typeof(Index3D)
            || first == typeof(LongIndex1D) || first == typeof(LongIndex2D) || first == typeof(LongIndex3D);
    }

    public static IReadOnlyDictionary<string, MethodInfo> Find(Assembly assembly)
    {
        var methods = assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(IsKernel)
            .ToList();
        var result = new SortedDictionary<string, MethodInfo>(StringComparer.Ordinal);
        foreach (var group in methods.GroupBy(m => TypeName(m.DeclaringType!) + "." + m.Name))
        {
            if (group.Count() == 1) { result.Add(group.Key, group.First()); continue; }
            foreach (var m in group)
                result.Add($"{group.Key}({string.Join(",", m.GetParameters().Select(p => p.ParameterType.Name))})", m);
        }
        return result;
    }

    static bool IsArrayView(Type t) =>
        t.IsGenericType && t.GetGenericTypeDefinition() is var d
        && (d == typeof(ArrayView<>) || d == typeof(ArrayView1D<,>) || d == typeof(ArrayView2D<,>)
            || d == typeof(ArrayView3D<,>));

    static string TypeName(Type t) => t.DeclaringType is { } outer ? TypeName(outer) + "." + t.Name : t.Name;
}
