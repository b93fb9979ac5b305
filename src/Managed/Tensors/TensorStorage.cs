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

    public void Retain()
    {
        ObjectDisposedException.ThrowIf(Buffer.IsDisposed, Buffer);
        Interlocked.Increment(ref _references);
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Buffer.Dispose();
        }
    }
}
