using System.Numerics;
using FactoredGpu.LinearAlgebra;

namespace FactoredGpu;

/// <content>Reductions that never form the product: eigenvalues, Frobenius norm, singular values.</content>
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
    public ComplexTensor<TScalar> Eigenvalues()
    {
        using var ba = BA();
        int count = checked((int)Shapes.Product(LeadingShape)), m = MDim;
        var real = new double[count * m];
        var imaginary = new double[count * m];
        BatchedEigenvalues.Compute(HostDouble.From(ba), m, count, real, imaginary);
        int[] shape = Shapes.Concat(LeadingShape, m);
        return new ComplexTensor<TScalar>(HostDouble.To<TScalar>(A.Backend, real, shape), HostDouble.To<TScalar>(A.Backend, imaginary, shape));
    }

    /// <summary>The Frobenius norm <c>‖A·B‖_F</c> per leading index, shape <see cref="LeadingShape"/>.</summary>
    /// <returns>The norms.</returns>
    /// <remarks>
    /// <c>‖A·B‖²_F = Σ (AᵀA) ∘ (B·Bᵀ)</c>: two <c>m×m</c> Gram matrices instead of TransformerLens's three SVDs, summed in
    /// float64. A factor shared across leading indices has its Gram matrix computed once.
    /// </remarks>
    public StridedTensor<TScalar> Norm()
    {
        var backend = A.Backend;
        var a = A.AsBatch();
        using var squares = backend.Allocate<TScalar>(a.Count);
        backend.FrobeniusSquaredOfProduct(a, B.AsBatch(), squares);
        var values = new TScalar[a.Count];
        backend.Download(squares, 0, values);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = TScalar.Sqrt(values[i]);
        }

        return StridedTensor<TScalar>.FromArray(backend, values, LeadingShape.ToArray());
    }

    /// <summary>
    /// The singular values <c>[..., k]</c>, <c>k = min(l, m, r)</c>, descending, from <c>m×m</c> problems only and without
    /// singular vectors.
    /// </summary>
    /// <returns>The singular values.</returns>
    /// <remarks>
    /// With Cholesky factors of the Gram matrices, <c>AᵀA = La·Laᵀ</c> and <c>B·Bᵀ = Lb·Lbᵀ</c>, the product is
    /// <c>Qa·(Laᵀ·Lb)·Qbᵀ</c> with orthonormal <c>Qa</c>, <c>Qb</c>, so its singular values are those of the <c>m×m</c> core
    /// <c>Laᵀ·Lb</c>. Forming the Grams squares the condition number: values below about <c>√ε·S_max</c> lose relative
    /// accuracy (use <see cref="S"/> for those). When a Gram matrix is singular (e.g. <c>m &gt; l</c>) this falls back to
    /// <see cref="Svd"/>.
    /// </remarks>
    public StridedTensor<TScalar> SingularValues()
    {
        int count = checked((int)Shapes.Product(LeadingShape)), m = MDim;
        if (m > LDim || m > RDim)
        {
            return S;
        }

        double[] la = CholeskyOfGram(A.AsBatch(), count, m, out bool aOk);
        double[] lb = CholeskyOfGram(B.AsBatch().Transpose(), count, m, out bool bOk);
        if (!aOk || !bOk)
        {
            return S;
        }

        var host = Kernels.Host.HostKernels.Shared;
        using var laT = StridedTensor<double>.FromArray(host, la, count, m, m);
        using var lbT = StridedTensor<double>.FromArray(host, lb, count, m, m);
        using var laTt = laT.Transpose();
        using var core = laTt * lbT;
        var values = new double[count * m];
        BatchedSvd.SingularValues(core.ToArray(), m, m, count, values);
        return HostDouble.To<TScalar>(A.Backend, values, Shapes.Concat(LeadingShape, m));
    }

    private double[] CholeskyOfGram(Kernels.MatrixBatch<TScalar> x, int count, int m, out bool positiveDefinite)
    {
        var backend = A.Backend;
        using var gram = StridedTensor<TScalar>.Zeros(backend, count, m, m);
        backend.Gram(x, gram.AsBatch());
        var lower = new double[count * m * m];
        var ok = new bool[count];
        BatchedCholesky.Decompose(HostDouble.From(gram), m, count, lower, ok);
        positiveDefinite = Array.TrueForAll(ok, b => b);
        return lower;
    }
}
