using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>A <see cref="DeviceBuffer{T}"/> in the memory of an ILGPU accelerator.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class IlgpuBuffer<T> : DeviceBuffer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    internal IlgpuBuffer(IKernels owner, MemoryBuffer1D<T, Stride1D.Dense> memory)
        : base(owner, memory.Length)
    {
        Memory = memory;
    }

    /// <summary>The device memory. Kernels of the owning backend read and write it.</summary>
    internal MemoryBuffer1D<T, Stride1D.Dense> Memory { get; }

    /// <summary>The whole buffer as a kernel argument.</summary>
    internal ArrayView<T> View => Memory.View;

    /// <inheritdoc/>
    protected override void Release() => Memory.Dispose();
}
