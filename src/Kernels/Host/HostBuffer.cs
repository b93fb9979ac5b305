using System.Numerics;

namespace FactoredGpu.Kernels.Host;

/// <summary>A <see cref="DeviceBuffer{T}"/> in ordinary managed host memory.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class HostBuffer<T> : DeviceBuffer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    internal HostBuffer(IKernels owner, T[] array)
        : base(owner, array.LongLength)
    {
        Array = array;
    }

    /// <summary>The backing array, empty once released. Host kernels read and write it directly.</summary>
    internal T[] Array { get; private set; }

    /// <inheritdoc/>
    /// <remarks>Drops the array, so the garbage collector can reclaim it even while disposed tensors are still referenced.</remarks>
    protected override void Release() => Array = [];
}
