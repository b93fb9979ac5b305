using System.Numerics;
using System.Runtime.CompilerServices;
using FactoredGpu.Kernels;

namespace FactoredGpu;

/// <content>Row-wise top-k of the product, streamed in row tiles of bounded size.</content>
public sealed partial class FactoredMatrix<TScalar>
{
    /// <summary>The default memory budget of <see cref="TopK"/>: 256 MiB.</summary>
    public const long DefaultTopKBudgetBytes = 256L << 20;

    /// <summary>
    /// The <paramref name="k"/> largest entries of every row of <c>A·B</c> and their column indices, computed tile by
    /// tile so that memory stays within <paramref name="memoryBudgetBytes"/> whatever <c>r</c> (e.g. the vocabulary) is.
    /// </summary>
    /// <param name="k">How many entries per row, <c>1 ≤ k ≤ r</c>.</param>
    /// <param name="memoryBudgetBytes">
    /// The memory allowed for the result (<c>[..., l, k]</c> values and <c>int</c> indices) plus one tile of product rows,
    /// counted twice (<c>2·rows·r</c> elements of <typeparamref name="TScalar"/>: the tile on the backend and its host copy);
    /// the tile height is the most rows that fit. A hard cap on what this call allocates.
    /// </param>
    /// <returns>Values <c>[..., l, k]</c>, descending along the last dimension, and their column indices.</returns>
    /// <remarks>
    /// <para>For each tile the backend multiplies a slice of <c>A</c>'s rows by <c>B</c> into one reused tile tensor; the
    /// tile is downloaded and each row's top-k is kept in a size-<c>k</c> heap (<c>O(r·log k)</c>), rows in parallel.</para>
    /// <para>Order is total and the result deterministic (independent of the tile height and of thread scheduling):
    /// larger values first; equal values (including <c>-0</c> and <c>+0</c>) by lower column index; NaN ranks below every
    /// number, NaNs among themselves by lower column index. The values are those of <see cref="AB"/> to rounding (the same
    /// backend product, so equal on the host backend).</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1 or greater than <c>r</c>.</exception>
    /// <exception cref="InsufficientMemoryException">
    /// The result, or the result plus a single row of the product, does not fit in <paramref name="memoryBudgetBytes"/>;
    /// thrown before anything is allocated.
    /// </exception>
    public TopKResult<TScalar> TopK(int k, long memoryBudgetBytes = DefaultTopKBudgetBytes)
    {
        int l = LDim, r = RDim, count = checked((int)Shapes.Product(LeadingShape));
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, r);
        long resultBytes = (long)count * l * k * (Unsafe.SizeOf<TScalar>() + sizeof(int));
        // Each tile row lives twice: in the backend's tile tensor and in its downloaded host copy.
        long rowBytes = 2L * r * Unsafe.SizeOf<TScalar>();
        if (resultBytes > memoryBudgetBytes)
        {
            throw new InsufficientMemoryException($"The top-{k} of a product of shape {Shapes.Format(_shape)} needs {resultBytes} bytes for the result alone; the budget is {memoryBudgetBytes} bytes.");
        }

        if (rowBytes > memoryBudgetBytes - resultBytes)
        {
            throw new InsufficientMemoryException($"One row of the product of shape {Shapes.Format(_shape)} ({rowBytes} bytes with its host copy) does not fit in the {memoryBudgetBytes - resultBytes} bytes of the {memoryBudgetBytes}-byte budget left after the {resultBytes}-byte result.");
        }

        int tileRows = (int)Math.Min(l, (memoryBudgetBytes - resultBytes) / rowBytes);
        var values = new TScalar[(long)count * l * k];
        var indices = new int[values.Length];
        if (values.Length > 0)
        {
            StreamTiles(k, tileRows, values, indices);
        }

        int[] shape = Shapes.Concat(LeadingShape, l, k);
        return new TopKResult<TScalar>(StridedTensor<TScalar>.FromArray(Backend, values, shape), indices, shape);
    }

    private void StreamTiles(int k, int tileRows, TScalar[] values, int[] indices)
    {
        var backend = Backend;
        var a = A.AsBatch();
        var b = B.AsBatch();
        int l = LDim, r = RDim;
        using var tile = StridedTensor<TScalar>.Zeros(backend, tileRows, r);
        var host = new TScalar[(long)tileRows * r];
        for (int batch = 0; batch < a.Count; batch++)
        {
            var right = new MatrixBatch<TScalar>(b.Buffer, [b.BatchOffsets[batch]], b.Rows, b.Cols, b.RowStride, b.ColStride);
            for (int first = 0; first < l; first += tileRows)
            {
                int rows = Math.Min(tileRows, l - first);
                var left = new MatrixBatch<TScalar>(a.Buffer, [a.BatchOffsets[batch] + first * a.RowStride], rows, a.Cols, a.RowStride, a.ColStride);
                backend.Gemm(TScalar.One, left, right, TScalar.Zero, MatrixBatch<TScalar>.Contiguous(tile.Buffer, 1, rows, r));
                backend.Download(tile.Buffer, 0, host.AsSpan(0, rows * r));
                long firstOut = ((long)batch * l + first) * k;
                Parallel.For(0, rows, i => SelectRow(
                    host.AsSpan(i * r, r),
                    values.AsSpan((int)(firstOut + (long)i * k), k),
                    indices.AsSpan((int)(firstOut + (long)i * k), k)));
            }
        }
    }

    /// <summary>
    /// The top <c>values.Length</c> entries of <paramref name="row"/>, best first: a heap with the worst kept entry at the
    /// root, built in the output spans, then heap-sorted in place.
    /// </summary>
    private static void SelectRow(ReadOnlySpan<TScalar> row, Span<TScalar> values, Span<int> indices)
    {
        int k = values.Length;
        row[..k].CopyTo(values);
        for (int j = 0; j < k; j++)
        {
            indices[j] = j;
        }

        for (int i = k / 2 - 1; i >= 0; i--)
        {
            SiftDown(values, indices, i, k);
        }

        for (int j = k; j < row.Length; j++)
        {
            if (Ranks(row[j], j, values[0], indices[0]))
            {
                values[0] = row[j];
                indices[0] = j;
                SiftDown(values, indices, 0, k);
            }
        }

        // Moving the worst entry to the back repeatedly leaves the best first.
        for (int end = k - 1; end > 0; end--)
        {
            (values[0], values[end]) = (values[end], values[0]);
            (indices[0], indices[end]) = (indices[end], indices[0]);
            SiftDown(values, indices, 0, end);
        }
    }

    /// <summary>Restores the heap property (every parent ranks below its children) below <paramref name="node"/>.</summary>
    private static void SiftDown(Span<TScalar> values, Span<int> indices, int node, int size)
    {
        while (true)
        {
            int worst = node, left = 2 * node + 1, right = left + 1;
            if (left < size && Ranks(values[worst], indices[worst], values[left], indices[left]))
            {
                worst = left;
            }

            if (right < size && Ranks(values[worst], indices[worst], values[right], indices[right]))
            {
                worst = right;
            }

            if (worst == node)
            {
                return;
            }

            (values[node], values[worst]) = (values[worst], values[node]);
            (indices[node], indices[worst]) = (indices[worst], indices[node]);
            node = worst;
        }
    }

    /// <summary>Whether entry (x, i) ranks above (y, j): larger value, then lower index; NaN below every number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Ranks(TScalar x, int i, TScalar y, int j)
    {
        if (TScalar.IsNaN(x) || TScalar.IsNaN(y))
        {
            return TScalar.IsNaN(x) == TScalar.IsNaN(y) ? i < j : TScalar.IsNaN(y);
        }

        return x > y || (x == y && i < j);
    }
}
