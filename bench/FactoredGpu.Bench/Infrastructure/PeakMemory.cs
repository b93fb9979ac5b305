namespace FactoredGpu.Bench.Infrastructure;

/// <summary>
/// The peak host memory one call adds: on Linux the process's peak resident set (VmHWM, reset before the call by writing
/// 5 to /proc/self/clear_refs) minus its resident set before the call; elsewhere the managed bytes allocated during the
/// call (GC.GetTotalAllocatedBytes: native and device memory not counted). <see cref="Method"/> says which.
/// </summary>
internal static class PeakMemory
{
    private const string Status = "/proc/self/status", ClearRefs = "/proc/self/clear_refs";

    public static bool ResidentSetAvailable { get; } = OperatingSystem.IsLinux() && File.Exists(ClearRefs);

    public static string Method => ResidentSetAvailable
        ? "peak resident set above the call's start (Linux VmHWM reset per call): host memory, managed + native"
        : "managed bytes allocated during the call (GC.GetTotalAllocatedBytes); native and device memory not counted";

    /// <summary>Runs <paramref name="action"/> and returns the bytes it added at its peak.</summary>
    public static long Measure(Action action)
    {
        // Aggressive: compact and give every free page back, so the resident set before the call is the live data.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        if (!ResidentSetAvailable)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            action();
            return GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        long start = Read("VmRSS:");
        File.WriteAllText(ClearRefs, "5");
        action();
        return Math.Max(0, Read("VmHWM:") - start);
    }

    private static long Read(string field)
    {
        foreach (string line in File.ReadLines(Status))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"{Status} has no {field} line.");
    }
}
