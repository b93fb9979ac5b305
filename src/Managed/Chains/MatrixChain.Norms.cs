using FactoredGpu.LinearAlgebra;

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
    /// <c>ε·Π‖X_i‖_F</c>; heavy cancellation costs relative accuracy. Factors whose norms are far from 1 are first scaled by
    /// powers of two (<see cref="Normalized"/>), so the value does not depend on how a product is split among its factors.
    /// </remarks>
    public StridedTensor<TScalar> Norm()
    {
        var factors = Normalized(out double[]? scales);
        var (left, right, m) = SplitGrams(factors);
        DisposeAll(factors);
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
            values[b] = TScalar.CreateTruncating(Math.Sqrt(Math.Max(sum, 0)) * (scales?[b] ?? 1));
        }

        return StridedTensor<TScalar>.FromArray(Backend, values, LeadingShape.ToArray());
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
    /// <see cref="FactoredMatrix{TScalar}.SingularValues"/>. The factors are scaled as for <see cref="Norm"/>.
    /// </remarks>
    /// <exception cref="ArithmeticException">The QR iteration did not converge (LAPACK's iteration limit; not seen in practice).</exception>
    public StridedTensor<TScalar> SingularValues()
    {
        int s = SmallestSplit(), m = _layout.Cols(s), k = Math.Min(m, Math.Min(LDim, RDim));
        var factors = Normalized(out double[]? scales);
        using var left = LeftGram(s, factors);
        using var right = RightGram(s, factors);
        DisposeAll(factors);
        using var product = left * right;
        var (real, _) = HostEigenvalues(product, m);
        int count = real.Length / Math.Max(m, 1);
        var values = new double[count * k];
        for (int b = 0; b < count; b++)
        {
            for (int i = 0; i < k; i++)
            {
                // Descending real order; rounding can leave tiny negative or complex values near zero.
                values[b * k + i] = Math.Sqrt(Math.Max(real[b * m + i], 0)) * (scales?[b] ?? 1);
            }
        }

        return HostDouble.To<TScalar>(Backend, values, Shapes.Concat(LeadingShape, k));
    }

    /// <summary>
    /// The factors as dense matrices (a diagonal or centring factor expanded to <c>n×n</c>) broadcast to
    /// <see cref="LeadingShape"/>, scaled by <see cref="FactorScaling"/> where their norms are far
    /// from 1, and the product of the powers of two they were divided by per leading index (null when none was scaled).
    /// </summary>
    private StridedTensor<TScalar>[] Normalized(out double[]? scales)
    {
        int[] lead = LeadingShape.ToArray();
        scales = null;
        var factors = new StridedTensor<TScalar>[Count];
        for (int j = 0; j < Count; j++)
        {
            using var dense = _factors[j].ToDense(Backend);
            factors[j] = FactorScaling.Normalize(dense, lead, out double[]? factorScales);
            if (factorScales is not null)
            {
                scales ??= Enumerable.Repeat(1.0, factorScales.Length).ToArray();
                for (int b = 0; b < scales.Length; b++)
                {
                    scales[b] *= factorScales[b];
                }
            }
        }

        return factors;
    }

    private static void DisposeAll(StridedTensor<TScalar>[] factors)
    {
        foreach (var factor in factors)
        {
            factor.Dispose();
        }
    }

    /// <summary>Both Gram matrices of <paramref name="factors"/> at the smallest split, as float64 arrays expanded to the full leading shape.</summary>
    private (double[] Left, double[] Right, int M) SplitGrams(StridedTensor<TScalar>[] factors)
    {
        int s = SmallestSplit();
        using var left = LeftGram(s, factors);
        using var right = RightGram(s, factors);
        using var leftFull = left.BroadcastLeading(LeadingShape);
        using var rightFull = right.BroadcastLeading(LeadingShape);
        return (HostDouble.From(leftFull), HostDouble.From(rightFull), _layout.Cols(s));
    }

    /// <summary><c>LᵀL</c> for <c>L = X₁⋯X_s</c> (0-based: factors 0..<paramref name="split"/>), propagated from the left.</summary>
    private static StridedTensor<TScalar> LeftGram(int split, StridedTensor<TScalar>[] factors)
    {
        var gram = GramProduct.Of(factors[0], projected: false);
        for (int j = 1; j <= split; j++)
        {
            using var previous = gram;
            using var half = previous * factors[j];
            using var transposed = factors[j].Transpose();
            gram = transposed * half;
        }

        return gram;
    }

    /// <summary><c>R·Rᵀ</c> for <c>R = X_{s+1}⋯X_k</c>, propagated from the right.</summary>
    private static StridedTensor<TScalar> RightGram(int split, StridedTensor<TScalar>[] factors)
    {
        using var lastTransposed = factors[^1].Transpose();
        var gram = GramProduct.Of(lastTransposed, projected: false);
        for (int j = factors.Length - 2; j > split; j--)
        {
            using var previous = gram;
            using var half = factors[j] * previous;
            using var transposed = factors[j].Transpose();
            gram = half * transposed;
        }

        return gram;
    }
}
