using ILGPU;
using ILGPU.Runtime;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>Device allocation with the backend's error contract, and the per-call upload of batch offsets.</summary>
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
            buffer.View.SubView(0, all.Length).CopyFromCPU(ref all[0], all.Length);
        }

        return buffer;
    }
}
