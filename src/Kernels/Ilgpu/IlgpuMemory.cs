using ILGPU;
using ILGPU.Runtime;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>
/// Device allocation with the backend's error contract, copies between host spans and device views, and the per-call
/// upload of batch offsets.
/// </summary>
internal static class IlgpuMemory
{
    /// <summary>Allocates <paramref name="length"/> elements, reporting exhaustion as <see cref="InsufficientMemoryException"/>.</summary>
    public static MemoryBuffer1D<T, Stride1D.Dense> Allocate<T>(Accelerator accelerator, long length)
        where T : unmanaged
    {
        try
        {
            return accelerator.Allocate1D<T>(length);
        }
        catch (Exception e) when (IsOutOfMemory(e))
        {
            long bytes = length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
            throw new InsufficientMemoryException(
                $"{accelerator.Name}: {length} elements of {typeof(T).Name} ({bytes} bytes) could not be allocated; the device has {accelerator.MemorySize} bytes.", e);
        }
    }

    /// <summary>
    /// Exhaustion as the accelerators report it: managed memory on the CPU accelerator, a CUDA or OpenCL error from the
    /// driver's allocation call otherwise (ILGPU exposes those errors only as text; the inner exception keeps it).
    /// </summary>
    private static bool IsOutOfMemory(Exception e) => e is OutOfMemoryException or AcceleratorException;

    /// <summary>Uploads the concatenation of <paramref name="parts"/> to one new device buffer.</summary>
    public static MemoryBuffer1D<long, Stride1D.Dense> Upload(Accelerator accelerator, params long[][] parts)
    {
        long[] all = [.. parts.SelectMany(part => part)];
        MemoryBuffer1D<long, Stride1D.Dense> buffer = Allocate<long>(accelerator, Math.Max(all.Length, 1));
        if (all.Length > 0)
        {
            CopyFromHost(all, buffer.View.SubView(0, all.Length));
        }

        return buffer;
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="target"/>, of the same length, and waits for the copy.</summary>
    /// <remarks>
    /// ILGPU's <c>CopyFromCPU(ref T, long)</c> takes the address of its first element as a raw pointer; a managed
    /// array the garbage collector moves during the copy is then read from its old place (zeros, or another object).
    /// The span is pinned for the whole copy.
    /// </remarks>
    public static unsafe void CopyFromHost<T>(ReadOnlySpan<T> source, ArrayView<T> target)
        where T : unmanaged
    {
        fixed (T* pinned = source)
        {
            target.CopyFromCPU(ref *pinned, source.Length);
        }
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="target"/>, of the same length, and waits for the copy.</summary>
    /// <remarks>Pinned for the whole copy, as in <see cref="CopyFromHost{T}"/>: an unpinned array could move and miss the write.</remarks>
    public static unsafe void CopyToHost<T>(ArrayView<T> source, Span<T> target)
        where T : unmanaged
    {
        fixed (T* pinned = target)
        {
            source.CopyToCPU(ref *pinned, target.Length);
        }
    }
}
