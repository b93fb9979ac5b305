using System.Runtime.InteropServices;

namespace FactoredGpu.IO;

/// <summary>
/// Drops pages of a read-only file mapping from the process (Linux <c>madvise(MADV_DONTNEED)</c>): the data stays in the
/// page cache and a later read maps it again, but the resident set no longer counts it. Reading an 8B checkpoint's
/// 4.8 GB of attention and embedding data would otherwise leave all of it resident until the files are closed.
/// </summary>
internal static partial class MappedPages
{
    private const int DontNeed = 4;
    private static readonly long PageSize = Environment.SystemPageSize;

    /// <summary>Releases the whole pages inside <c>[start, start + length)</c>; a no-op off Linux or if the call fails.</summary>
    public static unsafe void Release(byte* start, long length)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        long first = ((long)start + PageSize - 1) / PageSize * PageSize, end = ((long)start + length) / PageSize * PageSize;
        if (end > first)
        {
            // Advice only: on failure the pages simply stay resident.
            _ = Advise((nint)first, (nuint)(end - first), DontNeed);
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Advise(nint address, nuint length, int advice);
}
