using System.Reflection;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>
/// Every ILGPU kernel of this backend, found by convention rather than listed by hand so that a check over all of
/// them (the PTX compilation tests) cannot miss a new one: a kernel is a static generic method named <c>Kernel</c>
/// of a type in this namespace, explicitly grouped, with one type parameter, the element type.
/// </summary>
internal static class KernelCatalog
{
    /// <summary>The element types every kernel is instantiated for.</summary>
    public static IReadOnlyList<Type> ElementTypes { get; } = [typeof(float), typeof(double)];

    /// <summary>The kernels as open generic methods, keyed by the operation (the declaring type's name), in name order.</summary>
    public static IReadOnlyList<(string Operation, MethodInfo Method)> Kernels { get; } =
        [.. typeof(KernelCatalog).Assembly.GetTypes()
            .Where(type => type.Namespace == typeof(KernelCatalog).Namespace)
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            .Where(method => method.Name == "Kernel" && method.IsGenericMethodDefinition)
            .Select(method => (method.DeclaringType!.Name, method))
            .OrderBy(kernel => kernel.Name, StringComparer.Ordinal)];
}
