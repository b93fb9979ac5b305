using System.Numerics;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>
/// The element strides of one operand, passed by value into kernels: element <c>(i, j)</c> of a matrix at offset
/// <c>o</c> is at <c>o + i·Row + j·Col</c>. A transposed operand is the same memory with the strides swapped.
/// </summary>
internal readonly struct Strides
{
    public Strides(long row, long col)
    {
        Row = row;
        Col = col;
    }

    public long Row { get; }

    public long Col { get; }

    public static Strides Of<T>(in MatrixBatch<T> batch)
        where T : unmanaged, IFloatingPointIeee754<T> => new(batch.RowStride, batch.ColStride);

    /// <summary>The strides of the transposed view.</summary>
    public Strides Transposed => new(Col, Row);

    public long At(long offset, int i, int j) => offset + (i * Row) + (j * Col);
}
