namespace FactoredGpu;

/// <content>Frobenius norm and singular values from Gram matrices propagated through the chain.</content>
public sealed partial class MatrixChain<TScalar>
{
    /// <summary>The Frobenius norm of the product per leading index, shape <see cref="LeadingShape"/>.</summary>
    /// <returns>The norms.</returns>
    /// <remarks>
    /// At the split <c>s</c> with the smallest inner size <c>m</c>, <c>‖L·R‖²_F = Σ (LᵀL) ∘ (R·Rᵀ)</c> with
    /// <c>L = X₁⋯X_s</c>, <c>R = X_{s+1}⋯X_k</c>. Neither half is formed: <c>LᵀL = X_sᵀ(⋯(X₂ᵀ(X₁ᵀX₁)X₂)⋯)X_s</c> is
    /// propagated from the left (and <c>R·Rᵀ</c> from the right), so every intermediate is square in an inner size. The
    /// final sum runs in float64. As for <see cref="FactoredMatrix{TScalar}.Norm"/>, the absolute error is about
    /// <c>ε·Π‖X_i‖_F</c>; heavy cancellation costs relative accuracy.
    /// </remarks>
    public StridedTensor<TScalar> Norm()
    {
        var (left, right, m) = SplitGrams();
        int count = left.Length / (m * m);
        var values = new TScalar[count];
        for (int b = 0; b < count; b++)
        {
            double sum = 0;
            for (int i = b * m * m; i < (b + 1) * m * m; i++)
            {
                sum += left[i] * right[i];
            }

            // Σ G_L∘G_R can round to a tiny negative number when the product is ≈ 0.
            values[b] = TScalar.CreateTruncating(Math.Sqrt(Math.Max(sum, 0)));
        }

        return StridedTensor<TScalar>.FromArray(_factors[0].Backend, values, LeadingShape.ToArray());
    }

    /// <summary>
    /// The singular values <c>[..., k]</c>, <c>k = min(l, m, r)</c> with <c>m</c> the smallest inner size, descending,
    /// from <c>m×m</c> problems only.
    /// </summary>
    /// <returns>The singular values.</returns>
    /// <remarks>
    /// <c>σ²</c> are the non-zero eigenvalues of <c>(LᵀL)·(R·Rᵀ)</c> at the smallest split (see <see cref="Norm"/>),
    /// computed in float64 by <see cref="LinearAlgebra.BatchedEigenvalues"/>. Forming Gram matrices squares the
    /// condition number: values below about <c>√ε·σ_max</c> of <typeparamref name="TScalar"/> are not resolved, as for
    /// <see cref="FactoredMatrix{TScalar}.SingularValues"/>.
    /// </remarks>
    /// <exception cref="ArithmeticException">The QR iteration did not converge (LAPACK's iteration limit; not seen in practice).</exception>
    public StridedTensor<TScalar> SingularValues()
    {
        int s = SmallestSplit(), m = _layout.Cols(s), k = Math.Min(m, Math.Min(LDim, RDim));
        using var left = LeftGram(s);
        using var right = RightGram(s);
        using var product = left * right;
        var (real, _) = HostEigenvalues(product, m);
        int count = real.Length / Math.Max(m, 1);
        var values = new double[count * k];
        for (int b = 0; b < count; b++)
        {
            for (int i = 0; i < k; i++)
            {
                // Descending real order; rounding can leave tiny negative or complex values near zero.
                values[b * k + i] = Math.Sqrt(Math.Max(real[b * m + i], 0));
            }
        }

        return HostDouble.To<TScalar>(_factors[0].Backend, values, Shapes.Concat(LeadingShape, k));
    }

    /// <summary>Both Gram matrices at the smallest split, as float64 arrays expanded to the full leading shape.</summary>
    private (double[] Left, double[] Right, int M) SplitGrams()
    {
        int s = SmallestSplit();
        using var left = LeftGram(s);
        using var right = RightGram(s);
        using var leftFull = left.BroadcastLeading(LeadingShape);
        using var rightFull = right.BroadcastLeading(LeadingShape);
        return (HostDouble.From(leftFull), HostDouble.From(rightFull), _layout.Cols(s));
    }

    /// <summary><c>LᵀL</c> for <c>L = X₁⋯X_s</c> (0-based: factors 0..<paramref name="split"/>), propagated from the left.</summary>
    private StridedTensor<TScalar> LeftGram(int split)
    {
        var gram = GramOnce(_factors[0]);
        for (int j = 1; j <= split; j++)
        {
            using var previous = gram;
            using var half = previous * _factors[j];
            using var transposed = _factors[j].Transpose();
            gram = transposed * half;
        }

        return gram;
    }

    /// <summary><c>R·Rᵀ</c> for <c>R = X_{s+1}⋯X_k</c>, propagated from the right.</summary>
    private StridedTensor<TScalar> RightGram(int split)
    {
        using var lastTransposed = _factors[^1].Transpose();
        var gram = GramOnce(lastTransposed);
        for (int j = Count - 2; j > split; j--)
        {
            using var previous = gram;
            using var half = _factors[j] * previous;
            using var transposed = _factors[j].Transpose();
            gram = half * transposed;
        }

        return gram;
    }

    /// <summary><c>XᵀX</c> by the backend's symmetric Gram kernel, once per distinct leading index (broadcast dims stay broadcast).</summary>
    private static StridedTensor<TScalar> GramOnce(StridedTensor<TScalar> x)
    {
        int lead = x.Rank - 2, n = x.Dim(-1);
        var narrow = new TensorIndex[lead];
        var distinct = new int[lead];
        for (int d = 0; d < lead; d++)
        {
            bool shared = x.Strides[d] == 0;
            narrow[d] = shared ? TensorIndex.Slice(0, 1) : TensorIndex.All;
            distinct[d] = shared ? Math.Min(x.Shape[d], 1) : x.Shape[d];
        }

        using var source = x.Index(narrow);
        using var gram = StridedTensor<TScalar>.Zeros(x.Backend, Shapes.Concat(distinct, n, n));
        x.Backend.Gram(source.AsBatch(), gram.AsBatch());
        return gram.BroadcastLeading(x.Shape[..^2]);
    }
}
