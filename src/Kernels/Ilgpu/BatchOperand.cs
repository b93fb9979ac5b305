using System.Numerics;
using ILGPU;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>
/// A <see cref="MatrixBatch{T}"/> as a kernel sees it: the device data, the per-call upload of the batch offsets,
/// the shape and the strides. Passed by value into kernels.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal readonly struct BatchOperand<T>
    where T : unmanaged, INumber<T>
{
    public BatchOperand(ArrayView<T> data, ArrayView<long> offsets, int rows, int cols, Strides strides)
    {
        Data = data;
        Offsets = offsets;
        Rows = rows;
        Cols = cols;
        Strides = strides;
    }

    public ArrayView<T> Data { get; }

    /// <summary>The element offset of entry (0, 0) of each matrix, on the device.</summary>
    public ArrayView<long> Offsets { get; }

    public int Rows { get; }

    public int Cols { get; }

    public Strides Strides { get; }

    /// <summary>The same memory read transposed.</summary>
    public BatchOperand<T> Transposed => new(Data, Offsets, Cols, Rows, Strides.Transposed);

    /// <summary>The index of element (<paramref name="i"/>, <paramref name="j"/>) of matrix <paramref name="batch"/>.</summary>
    public long At(int batch, int i, int j) => Strides.At(Offsets[batch], i, j);
}
