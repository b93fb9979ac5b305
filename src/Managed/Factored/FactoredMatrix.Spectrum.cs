using System.Numerics;
using FactoredGpu.LinearAlgebra;

namespace FactoredGpu;

/// <content>Reductions that never form the product: eigenvalues and singular values.</content>
public sealed partial class FactoredMatrix<TScalar>
{
    /// <summary>
    /// The eigenvalues of <c>B·A</c> (<c>m</c> per leading index, complex): the non-zero eigenvalues of <c>A·B</c>, plus
    /// (when <c>m &gt; l</c>) <c>m − l</c> near-zero ones, as TransformerLens keeps them.
    /// </summary>
    /// <returns>Shape <c>[..., m]</c>; within each leading index, descending by real part, then by imaginary part.</returns>
    /// <remarks>
    /// Only the <c>m×m</c> products are formed; the values-only eigen solver (<see cref="BatchedEigenvalues"/>) runs in
    /// float64 on the host for every element type. A head whose factors hold NaN or ±Inf gets NaN eigenvalues.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The product is not square (<c>l ≠ r</c>).</exception>
    /// <exception cref="ArithmeticException">The QR iteration did not converge (LAPACK's iteration limit; not seen in practice).</exception>
    public ComplexTensor<TScalar> Eigenvalues()
    {
        using var ba = BA();
        int count = checked((int)Shapes.Product(LeadingShape)), m = MDim;
        var real = new double[count * m];
        var imaginary = new double[count * m];
        BatchedEigenvalues.Compute(HostDouble.From(ba), m, count, real, imaginary);
        int[] shape = Shapes.Concat(LeadingShape, m);
        return new ComplexTensor<TScalar>(HostDouble.To<TScalar>(Backend, real, shape), HostDouble.To<TScalar>(Backend, imaginary, shape));
    }

    /// <summary>
    /// The singular values <c>[..., k]</c>, <c>k = min(l, m, r)</c>, descending, from <c>m×m</c> problems only and without
    /// singular vectors.
    /// </summary>
    /// <returns>The singular values.</returns>
    /// <remarks>
    /// <c>σ²(A·B)</c> are the eigenvalues of <c>(A·B)ᵀ(A·B)</c>, whose non-zero ones are those of the <c>m×m</c> product of
    /// Gram matrices <c>(AᵀA)·(B·Bᵀ)</c> (cyclic permutation). The Grams come from the backend's symmetric Gram kernel (a
    /// factor shared across leading indices is done once) and the eigenvalues from <see cref="BatchedEigenvalues"/> in
    /// float64. Forming Grams squares the condition number: a value <c>σᵢ</c> carries an absolute error of about
    /// <c>ε·σ_max²/σᵢ</c>, with <c>ε</c> the machine epsilon of <typeparamref name="TScalar"/> (the Grams are computed in
    /// it), so values below <c>√ε·σ_max</c> (about 2.4e-4·σ_max for float, 1.5e-8·σ_max for double) are not resolved:
    /// rank-deficient products give values of that size instead of 0. <see cref="S"/> is exact to rounding, at the cost
    /// of QR factorizations of the factors; a leading index whose Grams overflow or underflow in
    /// <typeparamref name="TScalar"/> (badly scaled factors of a well-scaled product, <c>(s·A, B/s)</c>) takes its values
    /// from <see cref="S"/>, so they do not depend on <c>s</c> while the product is representable.
    /// </remarks>
    /// <exception cref="ArithmeticException">The QR iteration did not converge (LAPACK's iteration limit; not seen in practice).</exception>
    public StridedTensor<TScalar> SingularValues()
    {
        int count = checked((int)Shapes.Product(LeadingShape)), m = MDim, k = Math.Min(m, Math.Min(LDim, RDim));
        // The chain route returns min(l, smallest inner size, r) values; when that is k it never forms A or B.
        if (IsLazy && _left.Concat(_right).SkipLast(1).Min(f => f.Dim(-1)) >= k)
        {
            using var chain = MatrixChain<TScalar>.Of([.. _left, .. _right]);
            return chain.SingularValues();
        }

        var backend = Backend;
        using var left = StridedTensor<TScalar>.Zeros(backend, count, m, m);
        using var right = StridedTensor<TScalar>.Zeros(backend, count, m, m);
        backend.Gram(A.AsBatch(), left.AsBatch());
        backend.Gram(B.AsBatch().Transpose(), right.AsBatch());
        using var product = left * right;
        var real = new double[count * m];
        var imaginary = new double[count * m];
        BatchedEigenvalues.Compute(HostDouble.From(product), m, count, real, imaginary);

        // Eigenvalues come back in descending real order; rounding may leave tiny negative or complex ones near zero.
        var values = new double[count * k];
        double[]? exact = null;
        double[] gl = HostDouble.From(left), gr = HostDouble.From(right);
        for (int h = 0; h < count; h++)
        {
            if (!GramsRepresentable(Trace(gl.AsSpan(h * m * m, m * m), m), Trace(gr.AsSpan(h * m * m, m * m), m)))
            {
                // Badly scaled factors of a well-scaled product: the Grams overflowed or underflowed, the SVD did not.
                exact ??= HostDouble.From(Decomposition.S);
                exact.AsSpan(h * k, k).CopyTo(values.AsSpan(h * k, k));
                continue;
            }

            for (int i = 0; i < k; i++)
            {
                values[h * k + i] = Math.Sqrt(Math.Max(real[h * m + i], 0));
            }
        }

        return HostDouble.To<TScalar>(backend, values, Shapes.Concat(LeadingShape, k));
    }
}
