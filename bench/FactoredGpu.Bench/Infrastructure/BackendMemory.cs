using FactoredGpu.Kernels;

namespace FactoredGpu.Bench.Infrastructure;

/// <summary>Whether a route's intermediates fit in an accelerator's memory, decided before anything is allocated.</summary>
internal static class BackendMemory
{
    private static readonly Lazy<IReadOnlyList<AcceleratorInfo>> Found = new(Accelerators.List);

    /// <summary>
    /// <see langword="null"/> when <paramref name="bytes"/> fit in half of the accelerator's memory (the other half holds
    /// the weights, the rest of the process and, on the shared development box, the other tenants); else the reason.
    /// </summary>
    public static string? DoesNotFit(string accelerator, double bytes)
    {
        AcceleratorKind kind = Accelerators.Parse(accelerator);
        long memory = Found.Value.FirstOrDefault(a => a.Usable && a.Kind == kind)?.MemoryBytes ?? 0;
        return bytes <= memory / 2.0 ? null
            : $"does not fit: needs {bytes / 1e9:0.0} GB, {accelerator} has {memory / 1e9:0.0} GB (half allowed)";
    }
}
