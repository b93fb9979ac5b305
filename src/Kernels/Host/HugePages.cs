using System.Runtime.InteropServices;

namespace FactoredGpu.Kernels.Host;

/// <summary>
/// Large host buffers on 2 MB pages where Linux offers transparent huge pages on request (<c>madvise</c> mode, the
/// common default): the first write to a fresh buffer then takes one page fault per 2 MB instead of one per 4 KB. Loading an
/// 8B model writes 9.6 GB of new memory, and on a virtual machine each fault also reaches the host.
/// </summary>
internal static partial class HugePages
{
    /// <summary>Buffers of at least this many bytes are allocated pinned and advised (smaller ones gain nothing).</summary>
    public const long MinBytes = 32L << 20;

    private const long PageBytes = 2L << 20;
    private const int HugePageAdvice = 14;

    /// <summary>A zeroed array of <paramref name="length"/> elements; at least <see cref="MinBytes"/> long, pinned and advised to use huge pages.</summary>
    public static unsafe T[] Allocate<T>(long length)
        where T : unmanaged
    {
        if (length * sizeof(T) < MinBytes || !OperatingSystem.IsLinux())
        {
            return new T[length];
        }

        // Pinned: the advice applies to an address range, so the array must not move (arrays this large never do anyway).
        T[] array = GC.AllocateArray<T>(checked((int)length), pinned: true);
        fixed (T* start = array)
        {
            long first = ((long)start + PageBytes - 1) / PageBytes * PageBytes, end = ((long)start + (length * sizeof(T))) / PageBytes * PageBytes;
            if (end > first)
            {
                // Advice only: where the kernel has no transparent huge pages the call fails and 4 KB pages are used.
                _ = Advise((nint)first, (nuint)(end - first), HugePageAdvice);
            }
        }

        return array;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Advise(nint address, nuint length, int advice);
}
