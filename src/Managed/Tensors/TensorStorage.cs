using System.Numerics;
using FactoredGpu.Kernels;

namespace FactoredGpu;

/// <summary>
/// A backend buffer shared by every tensor view of it; freed when the last view is disposed.
/// </summary>
internal sealed class TensorStorage<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private int _references;

    public TensorStorage(DeviceBuffer<T> buffer)
    {
        Buffer = buffer;
    }

    public DeviceBuffer<T> Buffer { get; }

    public IKernels Backend => Buffer.Owner;

    /// <summary>Adds a reference; a storage whose last reference was released stays dead (no revival on GPU memory).</summary>
    public void Retain()
    {
        int current;
        do
        {
            current = Volatile.Read(ref _references);
            ObjectDisposedException.ThrowIf(current == 0 && Buffer.IsDisposed, Buffer);
        }
        while (Interlocked.CompareExchange(ref _references, current + 1, current) != current);
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Buffer.Dispose();
        }
    }
}
