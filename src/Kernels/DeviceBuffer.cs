using System.Numerics;

namespace FactoredGpu.Kernels;

/// <summary>
/// A one-dimensional block of <typeparamref name="T"/> in the memory of one backend (host array or device buffer).
/// </summary>
/// <typeparam name="T">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>A buffer belongs to the <see cref="IKernels"/> that allocated it and can only be passed to that backend.</remarks>
public abstract class DeviceBuffer<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Initializes the buffer's bookkeeping.</summary>
    /// <param name="owner">The backend that allocated the memory.</param>
    /// <param name="length">The number of elements.</param>
    protected DeviceBuffer(IKernels owner, long length)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Owner = owner;
        Length = length;
    }

    /// <summary>The backend that owns this memory.</summary>
    public IKernels Owner { get; }

    /// <summary>The number of elements.</summary>
    public long Length { get; }

    private int _disposed;

    /// <summary>Whether <see cref="Dispose()"/> has released the memory.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Releases the memory. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the backend memory; called once by <see cref="Dispose()"/>.</summary>
    protected abstract void Release();
}
