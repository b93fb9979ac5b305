using System.Numerics;
using FactoredGpu.Kernels;
using FactoredGpu.Kernels.Host;

namespace FactoredGpu;

/// <summary>
/// A strided dense tensor of <see cref="float"/> or <see cref="double"/> in one backend's memory, shaped
/// <c>[...leading, rows, cols]</c> (rank 0 and 1 are allowed too). Views — broadcasts, transposes, slices — share
/// memory and use zero strides for broadcast dimensions, so a factor shared by every head is never copied.
/// </summary>
/// <typeparam name="T">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>Tensors are immutable: every operation returns a new tensor or view. They are safe to read from several
/// threads at once.</para>
/// <para>Each tensor holds a reference to its memory; <see cref="Dispose"/> releases it, and the memory is freed when
/// the last view of it is disposed. Host memory is also reclaimed by the garbage collector if never disposed; device
/// memory is not, so dispose tensors on GPU backends.</para>
/// </remarks>
public sealed partial class StridedTensor<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly TensorStorage<T> _storage;
    private readonly int[] _shape;
    private readonly long[] _strides;
    private int _disposed;

    internal StridedTensor(TensorStorage<T> storage, long offset, int[] shape, long[] strides)
    {
        storage.Retain();
        _storage = storage;
        Offset = offset;
        _shape = shape;
        _strides = strides;
    }

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The element distance along each dimension (0 for a broadcast dimension).</summary>
    public ReadOnlySpan<long> Strides => _strides;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements (product of <see cref="Shape"/>).</summary>
    public long Length => Shapes.Product(_shape);

    /// <summary>The backend whose memory holds the elements.</summary>
    public IKernels Backend => _storage.Backend;

    internal TensorStorage<T> Storage => _storage;

    internal DeviceBuffer<T> Buffer => _storage.Buffer;

    internal long Offset { get; }

    /// <summary>The size of dimension <paramref name="axis"/>; negative counts from the end.</summary>
    /// <param name="axis">The dimension.</param>
    /// <returns>Its size.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such dimension.</exception>
    public int Dim(int axis) => _shape[NormalizeAxis(axis, Rank)];

    /// <summary>Creates a contiguous tensor on the host backend from row-major data (copied).</summary>
    /// <param name="data">The elements, row-major.</param>
    /// <param name="shape">The shape; its product must equal the length of <paramref name="data"/>.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentException">The shape does not match the data length, or has a negative size.</exception>
    public static StridedTensor<T> FromArray(ReadOnlySpan<T> data, params int[] shape) => FromArray(HostKernels.Shared, data, shape);

    /// <summary>Creates a contiguous tensor on <paramref name="backend"/> from row-major host data (copied).</summary>
    /// <param name="backend">The backend to hold the memory.</param>
    /// <param name="data">The elements, row-major.</param>
    /// <param name="shape">The shape; its product must equal the length of <paramref name="data"/>.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentException">The shape does not match the data length, or has a negative size.</exception>
    public static StridedTensor<T> FromArray(IKernels backend, ReadOnlySpan<T> data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(shape);
        ValidateShape(shape);
        if (Shapes.Product(shape) != data.Length)
        {
            throw new ArgumentException($"Shape {Shapes.Format(shape)} holds {Shapes.Product(shape)} elements but {data.Length} were given.", nameof(data));
        }

        var tensor = Zeros(backend, shape);
        backend.Upload(data, tensor.Buffer, 0);
        return tensor;
    }

    /// <summary>Creates a zero-filled contiguous tensor on the host backend.</summary>
    /// <param name="shape">The shape.</param>
    /// <returns>The tensor.</returns>
    public static StridedTensor<T> Zeros(params int[] shape) => Zeros(HostKernels.Shared, shape);

    /// <summary>Creates a zero-filled contiguous tensor on <paramref name="backend"/>.</summary>
    /// <param name="backend">The backend to hold the memory.</param>
    /// <param name="shape">The shape.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentException">A size is negative.</exception>
    /// <exception cref="InsufficientMemoryException">The tensor does not fit in the backend's memory.</exception>
    public static StridedTensor<T> Zeros(IKernels backend, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(shape);
        ValidateShape(shape);
        var storage = new TensorStorage<T>(backend.Allocate<T>(Shapes.Product(shape)));
        return new StridedTensor<T>(storage, 0, (int[])shape.Clone(), ContiguousStrides(shape));
    }

    /// <summary>Copies the elements to a new row-major host array.</summary>
    /// <returns>The elements in row-major order of <see cref="Shape"/>.</returns>
    public T[] ToArray()
    {
        ThrowIfDisposed();
        if (IsContiguous)
        {
            var data = new T[Length];
            Backend.Download(Buffer, Offset, data);
            return data;
        }

        using var dense = Contiguous();
        return dense.ToArray();
    }

    /// <summary>Reads one element.</summary>
    /// <param name="index">One position per dimension; negative counts from the end.</param>
    /// <returns>The element.</returns>
    /// <exception cref="ArgumentException">The number of positions differs from <see cref="Rank"/>.</exception>
    /// <exception cref="IndexOutOfRangeException">A position is out of range.</exception>
    public T this[params int[] index]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(index);
            ThrowIfDisposed();
            if (index.Length != Rank)
            {
                throw new ArgumentException($"A tensor of shape {Shapes.Format(_shape)} needs {Rank} positions; {index.Length} were given.", nameof(index));
            }

            long at = Offset;
            for (int d = 0; d < Rank; d++)
            {
                at += NormalizePosition(index[d], _shape[d], d) * _strides[d];
            }

            Span<T> one = stackalloc T[1];
            Backend.Download(Buffer, at, one);
            return one[0];
        }
    }

    /// <summary>The single element of a one-element tensor (any rank, e.g. a 0-d norm).</summary>
    /// <returns>The element.</returns>
    /// <exception cref="InvalidOperationException">The tensor has more than one element, or none; the message names its shape.</exception>
    public T ToScalar()
    {
        if (Length != 1)
        {
            throw new InvalidOperationException($"A tensor of shape {Shapes.Format(_shape)} is not a scalar.");
        }

        return ToArray()[0];
    }

    /// <summary>Whether the elements are dense and row-major (no gaps, no broadcast); a tensor with no elements is.</summary>
    public bool IsContiguous
    {
        get
        {
            // With a zero-size dimension there is nothing to lay out: the strides are immaterial (and the product of
            // the sizes after it is 0, which no stride matches).
            if (Length == 0)
            {
                return true;
            }

            long expected = 1;
            for (int d = Rank - 1; d >= 0; d--)
            {
                if (_shape[d] != 1 && _strides[d] != expected)
                {
                    return false;
                }

                expected *= _shape[d];
            }

            return true;
        }
    }

    /// <summary>Releases this view's reference to the memory.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _storage.Release();
        }
    }

    /// <summary>
    /// The values as PyTorch prints them, <c>tensor([[ 0.4625, -0.1692], …])</c>: four decimals, and past 1000
    /// elements only the first and last three entries of each long dimension (only those are read).
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString() => TensorFormatter.Format(this);

    internal static long[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new long[shape.Length];
        long s = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = s;
            s *= Math.Max(shape[d], 1);
        }

        return strides;
    }

    internal static int NormalizeAxis(int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), $"Axis {axis} does not exist in a tensor of rank {rank}.");
        }

        return a;
    }

    internal static int NormalizePosition(int position, int size, int axis)
    {
        int p = position < 0 ? position + size : position;
        if (p < 0 || p >= size)
        {
            throw new IndexOutOfRangeException($"Index {position} is out of range for dimension {axis} of size {size}.");
        }

        return p;
    }

    internal StridedTensor<T> View(long offset, int[] shape, long[] strides)
    {
        ThrowIfDisposed();
        return new StridedTensor<T>(_storage, offset, shape, strides);
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private static void ValidateShape(ReadOnlySpan<int> shape)
    {
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Shape {Shapes.Format(shape)} has a negative size.", nameof(shape));
            }
        }
    }
}
