using System.Numerics;

namespace FactoredGpu.Kernels.Host;

/// <summary>
/// Host batched Gram matrix <c>G[b] = X[b]ᵀ·X[b]</c>: the GEMM machinery on the tiles that touch the upper triangle
/// (about half the work), then the lower triangle mirrored from the upper one, so G is exactly symmetric.
/// </summary>
/// <remarks>Broadcast inputs (repeated offsets) are multiplied once and the result copied to the other outputs.</remarks>
internal static class BatchedGram
{
    public static void Run<T>(in MatrixBatch<T> x, in MatrixBatch<T> gram)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = x.Cols;
        if (x.Count == 0 || m == 0)
        {
            return;
        }

        long[] distinct = DistinctOffsets(x.Offsets, out int[] index);
        long[] firstOutput = new long[distinct.Length];
        for (int b = x.Count - 1; b >= 0; b--)
        {
            firstOutput[index[b]] = gram.Offsets[b];
        }

        var operands = new MatrixBatch<T>(x.Buffer, distinct, x.Rows, m, x.RowStride, x.ColStride);
        var outputs = new MatrixBatch<T>(gram.Buffer, firstOutput, m, m, gram.RowStride, gram.ColStride);
        BatchedGemm.Run(T.One, operands.Transpose(), operands, T.Zero, outputs, upperTriangle: true);

        T[] g = ((HostBuffer<T>)gram.Buffer).Array;
        long rs = gram.RowStride, cs = gram.ColStride;
        long[] offsets = gram.Offsets;
        HostParallel.For(
            x.Count,
            (long)x.Count * m * m,
            b =>
            {
                long source = firstOutput[index[b]], target = offsets[b];
                for (int i = 0; i < m; i++)
                {
                    for (int j = 0; j < m; j++)
                    {
                        // Lower entries come from the upper triangle; copies of a shared Gram take every entry.
                        if (source != target || i > j)
                        {
                            g[target + i * rs + j * cs] = i > j ? g[source + j * rs + i * cs] : g[source + i * rs + j * cs];
                        }
                    }
                }
            });
    }

    /// <summary>The Gram matrices of the distinct operands of <paramref name="x"/>, contiguous <c>[d × m×m]</c>.</summary>
    /// <param name="x">The operands.</param>
    /// <param name="index">For each batch entry, which of the <c>d</c> Gram matrices is its own.</param>
    /// <returns>The Gram matrices, row-major.</returns>
    public static T[] OfDistinct<T>(in MatrixBatch<T> x, out int[] index)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long[] distinct = DistinctOffsets(x.Offsets, out index);
        int m = x.Cols;
        var grams = new HostBuffer<T>(x.Buffer.Owner, new T[checked(distinct.Length * m * m)]);
        Run(new MatrixBatch<T>(x.Buffer, distinct, x.Rows, m, x.RowStride, x.ColStride), MatrixBatch<T>.Contiguous(grams, distinct.Length, m, m));
        return grams.Array;
    }

    /// <summary>The distinct offsets in order of first appearance, and for each entry the position of its offset.</summary>
    private static long[] DistinctOffsets(long[] offsets, out int[] index)
    {
        var seen = new Dictionary<long, int>();
        index = new int[offsets.Length];
        for (int b = 0; b < offsets.Length; b++)
        {
            if (!seen.TryGetValue(offsets[b], out int at))
            {
                at = seen.Count;
                seen.Add(offsets[b], at);
            }

            index[b] = at;
        }

        long[] distinct = new long[seen.Count];
        foreach ((long offset, int at) in seen)
        {
            distinct[at] = offset;
        }

        return distinct;
    }
}
