using System.Numerics;

namespace FactoredGpu;

/// <summary><c>XᵀX</c>, or <c>Xᵀ·P_n·X</c> with the centring projection <c>P_n = I − 11ᵀ/n</c>, by the backend's symmetric Gram kernel.</summary>
internal static class GramProduct
{
    /// <summary>
    /// <c>XᵀX</c> of <paramref name="x"/> <c>[..., n, m]</c> (half the work of a GEMM), once per distinct leading index
    /// (broadcast dimensions stay broadcast); with <paramref name="projected"/>, <c>Xᵀ·P_n·X = XᵀX − sᵀs/n</c> where
    /// <c>s = 1ᵀX</c> are the column sums (a <c>1×n · n×m</c> product), the rank-1 correction applied in float64 on the host.
    /// </summary>
    /// <remarks>
    /// The correction cancels what the column means contribute to <c>XᵀX</c>: where they dominate the spread of the rows,
    /// relative accuracy is lost in proportion (as when any covariance is formed from raw second moments).
    /// </remarks>
    public static StridedTensor<T> Of<T>(StridedTensor<T> x, bool projected)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lead = x.Rank - 2, n = x.Dim(-2), m = x.Dim(-1);
        var narrow = new TensorIndex[lead];
        var distinct = new int[lead];
        for (int d = 0; d < lead; d++)
        {
            bool shared = x.Strides[d] == 0;
            narrow[d] = shared ? TensorIndex.Slice(0, 1) : TensorIndex.All;
            distinct[d] = shared ? Math.Min(x.Shape[d], 1) : x.Shape[d];
        }

        var backend = x.Backend;
        using var source = x.Index(narrow);
        using var gram = StridedTensor<T>.Zeros(backend, Shapes.Concat(distinct, m, m));
        backend.Gram(source.AsBatch(), gram.AsBatch());
        if (!projected || n == 0)
        {
            return gram.BroadcastLeading(x.Shape[..^2]);
        }

        using var ones = StridedTensor<T>.FromArray(backend, Enumerable.Repeat(T.One, n).ToArray(), 1, n);
        using var sums = StridedTensor<T>.Matmul(ones, source);
        double[] g = HostDouble.From(gram), s = HostDouble.From(sums);
        for (int b = 0; b < g.Length / Math.Max(m * m, 1); b++)
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < m; j++)
                {
                    g[(b * m + i) * m + j] -= s[b * m + i] * s[b * m + j] / n;
                }
            }
        }

        using var corrected = HostDouble.To<T>(backend, g, Shapes.Concat(distinct, m, m));
        return corrected.BroadcastLeading(x.Shape[..^2]);
    }
}
