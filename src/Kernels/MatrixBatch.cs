using System.Numerics;

namespace FactoredGpu.Kernels;

/// <summary>
/// A batch of equally shaped strided matrices inside one <see cref="DeviceBuffer{T}"/>: matrix <c>b</c> has element
/// <c>(i, j)</c> at <c>Offsets[b] + i·RowStride + j·ColStride</c>.
/// </summary>
/// <typeparam name="T">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// Broadcasting is expressed by repeated offsets (a factor shared by every head has the same offset for every batch
/// element) and never by copies; a transposed operand is the same memory with the strides swapped
/// (<see cref="Transpose"/>). Kernels may read such operands; an output must not alias itself across the batch.
/// </remarks>
public readonly struct MatrixBatch<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Describes a batch of strided matrices.</summary>
    /// <param name="buffer">The memory holding every matrix of the batch.</param>
    /// <param name="offsets">The element offset of entry (0, 0) of each matrix; its length is the batch size.</param>
    /// <param name="rows">The number of rows of each matrix.</param>
    /// <param name="cols">The number of columns of each matrix.</param>
    /// <param name="rowStride">The element distance between consecutive rows.</param>
    /// <param name="colStride">The element distance between consecutive columns.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> or <paramref name="offsets"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size or stride is negative, or a matrix reaches outside the buffer.</exception>
    public MatrixBatch(DeviceBuffer<T> buffer, long[] offsets, int rows, int cols, long rowStride, long colStride)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        ArgumentOutOfRangeException.ThrowIfNegative(rowStride);
        ArgumentOutOfRangeException.ThrowIfNegative(colStride);
        long[] copy = (long[])offsets.Clone();
        if (rows > 0 && cols > 0)
        {
            long extent;
            try
            {
                extent = checked(((rows - 1) * rowStride) + ((cols - 1) * colStride));
            }
            catch (OverflowException)
            {
                throw new ArgumentOutOfRangeException(nameof(rowStride), $"A {rows}x{cols} matrix with strides ({rowStride}, {colStride}) spans more than 2^63 elements.");
            }

            foreach (long offset in copy)
            {
                if (offset < 0 || offset > buffer.Length - 1 - extent)
                {
                    throw new ArgumentOutOfRangeException(
                        nameof(offsets),
                        $"A {rows}x{cols} matrix at offset {offset} with strides ({rowStride}, {colStride}) reaches outside a buffer of {buffer.Length} elements.");
                }
            }
        }

        Buffer = buffer;
        Offsets = copy;
        Rows = rows;
        Cols = cols;
        RowStride = rowStride;
        ColStride = colStride;
    }

    /// <summary>Describes one dense row-major matrix (or a batch of them laid out back to back).</summary>
    /// <param name="buffer">The memory.</param>
    /// <param name="count">The number of matrices.</param>
    /// <param name="rows">The rows of each matrix.</param>
    /// <param name="cols">The columns of each matrix.</param>
    /// <returns>The batch view with offsets <c>b·rows·cols</c>.</returns>
    public static MatrixBatch<T> Contiguous(DeviceBuffer<T> buffer, int count, int rows, int cols)
    {
        var offsets = new long[count];
        for (int b = 0; b < count; b++)
        {
            offsets[b] = (long)b * rows * cols;
        }

        return new MatrixBatch<T>(buffer, offsets, rows, cols, cols, 1);
    }

    /// <summary>The memory holding the batch.</summary>
    public DeviceBuffer<T> Buffer { get; }

    /// <summary>The element offset of entry (0, 0) of each matrix (a private copy, validated once).</summary>
    public ReadOnlySpan<long> BatchOffsets => Offsets;

    /// <summary>The validated offsets, for the kernels of this assembly; never exposed for writing.</summary>
    internal long[] Offsets { get; }

    /// <summary>The batch size.</summary>
    public int Count => Offsets.Length;

    /// <summary>The number of rows of each matrix.</summary>
    public int Rows { get; }

    /// <summary>The number of columns of each matrix.</summary>
    public int Cols { get; }

    /// <summary>The element distance between consecutive rows.</summary>
    public long RowStride { get; }

    /// <summary>The element distance between consecutive columns.</summary>
    public long ColStride { get; }

    /// <summary>The same memory read as the transposed matrices (rows and columns, and their strides, swapped).</summary>
    /// <returns>The transposed view; nothing is copied.</returns>
    public MatrixBatch<T> Transpose() => new(Buffer, Offsets, Cols, Rows, ColStride, RowStride);

    /// <summary>A short description such as <c>[144 x 64x768]</c>, for error messages.</summary>
    /// <returns>The batch size and matrix shape.</returns>
    public override string ToString() => $"[{Count} x {Rows}x{Cols}]";
}
