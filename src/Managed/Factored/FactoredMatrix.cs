using System.Numerics;
using FactoredGpu.Kernels;

namespace FactoredGpu;

/// <summary>
/// A matrix <c>M = A·B</c> held as its factors <c>A [..., l, m]</c> and <c>B [..., m, r]</c>, with the same
/// semantics as TransformerLens's <c>FactoredMatrix</c>: shapes, the factored-or-dense branch of every product, and
/// the values of every member. Nothing that can be answered from the factors builds the <c>l×r</c> product.
/// </summary>
/// <typeparam name="TScalar">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>Leading dimensions broadcast by numpy rules; after construction <see cref="A"/> and <see cref="B"/> carry the
/// full broadcast leading shape as zero-stride views (no copies).</para>
/// <para>Instances are immutable and safe to use from several threads; the SVD is computed once and cached.
/// Dispose releases the factor views and the cache.</para>
/// <para>Differences from TransformerLens, by design: <c>V</c> not <c>Vh</c>; <c>*</c> is the matrix product
/// (MathNet's convention) and also scaling by a scalar, while scaling by a one-element tensor is <see cref="Scale"/>;
/// an out-of-range row or column index throws instead of returning an empty matrix.</para>
/// </remarks>
public sealed partial class FactoredMatrix<TScalar> : IDisposable
    where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
{
    private readonly int[] _shape;
    private readonly int _mdim;

    // A = _left[0]·…·_left[^1] and B = _right[0]·…·_right[^1], each list kept lazy until A or B is asked for.
    private readonly StridedTensor<TScalar>[] _left, _right;
    private readonly Lock _factorLock = new();
    private StridedTensor<TScalar>? _a, _b;
    private readonly Lock _svdLock = new();
    private SvdCache? _svd;

    /// <summary>Creates the factored matrix <c>A·B</c>.</summary>
    /// <param name="a">The left factor <c>[..., l, m]</c>.</param>
    /// <param name="b">The right factor <c>[..., m, r]</c>, on the same backend.</param>
    /// <exception cref="ArgumentException">
    /// A factor has fewer than two dimensions, the inner sizes differ, the leading dimensions do not broadcast, or the
    /// backends differ. The message names both shapes.
    /// </exception>
    public FactoredMatrix(StridedTensor<TScalar> a, StridedTensor<TScalar> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank < 2 || b.Rank < 2)
        {
            throw new ArgumentException($"Factors must be matrices or batches of matrices; shapes were a: {Shapes.Format(a.Shape)}, b: {Shapes.Format(b.Shape)}.");
        }

        if (a.Dim(-1) != b.Dim(-2))
        {
            throw new ArgumentException($"Factored matrix must match on inner dimension, shapes were a: {Shapes.Format(a.Shape)}, b: {Shapes.Format(b.Shape)}.");
        }

        if (!ReferenceEquals(a.Backend, b.Backend))
        {
            throw new ArgumentException($"Factors live on different backends ({a.Backend.Kind}, {b.Backend.Kind}).");
        }

        int[] leading;
        try
        {
            leading = Shapes.Broadcast(a.Shape[..^2], b.Shape[..^2], "Leading dimensions");
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Cannot broadcast leading dimensions: A has shape {Shapes.Format(a.Shape)}, B has shape {Shapes.Format(b.Shape)}.", e);
        }

        _a = a.BroadcastLeading(leading);
        _b = b.BroadcastLeading(leading);
        _left = [_a];
        _right = [_b];
        _shape = Shapes.Concat(leading, a.Dim(-2), b.Dim(-1));
        _mdim = a.Dim(-1);
    }

    /// <summary>
    /// The lazy factored matrix <c>(L₁⋯L_p)·(R₁⋯R_q)</c>: <see cref="A"/> is the product of <paramref name="left"/> and
    /// <see cref="B"/> that of <paramref name="right"/>, both computed only when asked for.
    /// </summary>
    /// <exception cref="ArgumentException">The factors do not chain or their leading dimensions do not broadcast.</exception>
    internal FactoredMatrix(StridedTensor<TScalar>[] left, StridedTensor<TScalar>[] right)
    {
        if (left.Length == 1 && right.Length == 1)
        {
            throw new ArgumentException("Use the public constructor for two plain factors.");
        }

        int[] leading;
        using (var chain = MatrixChain<TScalar>.Of([.. left, .. right]))
        {
            leading = chain.LeadingShape.ToArray();
        }

        _left = [.. left.Select(f => f.BroadcastTo(f.Shape.ToArray()))];
        _right = [.. right.Select(f => f.BroadcastTo(f.Shape.ToArray()))];
        _shape = Shapes.Concat(leading, left[0].Dim(-2), right[^1].Dim(-1));
        _mdim = left[^1].Dim(-1);
    }

    /// <summary>The left factor <c>[..., l, m]</c>, broadcast to the full leading shape.</summary>
    /// <remarks>For a lazy product (e.g. <c>W_E * OV * W_U</c>) this computes and caches the factor on first use.</remarks>
    public StridedTensor<TScalar> A => _a ?? Materialize(ref _a, _left);

    /// <summary>The right factor <c>[..., m, r]</c>, broadcast to the full leading shape.</summary>
    /// <remarks>For a lazy product this computes and caches the factor on first use.</remarks>
    public StridedTensor<TScalar> B => _b ?? Materialize(ref _b, _right);

    /// <summary>The backend whose memory holds the factors.</summary>
    public IKernels Backend => _left[0].Backend;

    /// <summary>Whether a factor is still an unevaluated product (so reductions go through <see cref="MatrixChain{TScalar}"/>).</summary>
    internal bool IsLazy => _left.Length > 1 || _right.Length > 1;

    /// <summary>Whether <see cref="A"/> or <see cref="B"/> has been computed (always, for a matrix built from two tensors).</summary>
    internal bool FactorsMaterialized => Volatile.Read(ref _a) is not null || Volatile.Read(ref _b) is not null;

    /// <summary>The left factor's own factors, for products that stay lazy.</summary>
    internal StridedTensor<TScalar>[] LeftFactors => _left;

    /// <summary>The right factor's own factors, for products that stay lazy.</summary>
    internal StridedTensor<TScalar>[] RightFactors => _right;

    /// <summary>The shape of the product: the broadcast leading dimensions, then <c>(l, r)</c>.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The leading (batch) dimensions of <see cref="Shape"/>.</summary>
    public ReadOnlySpan<int> LeadingShape => _shape.AsSpan(0, _shape.Length - 2);

    /// <summary>The number of rows <c>l</c> of the product.</summary>
    public int LDim => _shape[^2];

    /// <summary>The hidden (inner) dimension <c>m</c>.</summary>
    public int MDim => _mdim;

    /// <summary>The number of columns <c>r</c> of the product.</summary>
    public int RDim => _shape[^1];

    /// <summary>The number of dimensions of <see cref="Shape"/>.</summary>
    public int NDim => _shape.Length;

    /// <summary>Whether there are leading (batch) dimensions.</summary>
    public bool HasLeadingDims => _shape.Length > 2;

    /// <summary>The factors <c>(A, B)</c> as new views; the caller owns them and may dispose them.</summary>
    public (StridedTensor<TScalar> A, StridedTensor<TScalar> B) Pair => (A.BroadcastTo(A.Shape.ToArray()), B.BroadcastTo(B.Shape.ToArray()));

    /// <summary>The transpose <c>(Bᵀ, Aᵀ)</c>: a new factored matrix over views of the same memory, owned by the caller.</summary>
    public FactoredMatrix<TScalar> T
    {
        get
        {
            using var bt = B.Transpose();
            using var at = A.Transpose();
            return new FactoredMatrix<TScalar>(bt, at);
        }
    }

    /// <summary>Materializes the product <c>A·B</c>, shape <see cref="Shape"/>.</summary>
    /// <returns>The dense product, owned by the caller.</returns>
    /// <remarks>
    /// This is the one member that builds the big matrix: <c>l·r</c> elements per leading index (for a full OV circuit
    /// 50257² ≈ 2.5·10⁹). Prefer the reductions (<see cref="Norm"/>, <see cref="Eigenvalues"/>, <see cref="Svd"/>).
    /// </remarks>
    /// <exception cref="InsufficientMemoryException">The product does not fit in the backend's memory.</exception>
    public StridedTensor<TScalar> AB()
    {
        if (!IsLazy)
        {
            return A * B;
        }

        using var chain = MatrixChain<TScalar>.Of([.. _left, .. _right]);
        using var product = chain.Materialize();
        return product.BroadcastLeading(LeadingShape);
    }

    /// <summary>The product in the other order, <c>B·A</c> <c>[..., m, m]</c>; it has the non-zero eigenvalues of <c>A·B</c>.</summary>
    /// <returns>The dense <c>m×m</c> products, owned by the caller.</returns>
    /// <exception cref="InvalidOperationException">The product is not square (<c>l ≠ r</c>); the message names the shape.</exception>
    public StridedTensor<TScalar> BA()
    {
        RequireSquare();
        if (!IsLazy)
        {
            return B * A;
        }

        // The planner picks the order: for a full OV circuit, W_O·((W_U·W_E)·W_V) with W_U·W_E once for all heads.
        using var chain = MatrixChain<TScalar>.Of([.. _right, .. _left]);
        using var product = chain.Materialize();
        return product.BroadcastLeading(LeadingShape);
    }

    /// <summary>TransformerLens's text: <c>FactoredMatrix: Shape([2, 3, 12, 12]), Hidden Dim(4)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"FactoredMatrix: Shape({Shapes.Format(_shape)}), Hidden Dim({MDim})";

    /// <summary>Releases the factor views and the cached SVD.</summary>
    public void Dispose()
    {
        foreach (var factor in _left.Concat(_right))
        {
            factor.Dispose();
        }

        _a?.Dispose();
        _b?.Dispose();
        lock (_svdLock)
        {
            _svd?.Dispose();
        }
    }

    /// <summary>The product of <paramref name="factors"/> broadcast to the leading shape, computed once.</summary>
    private StridedTensor<TScalar> Materialize(ref StridedTensor<TScalar>? cache, StridedTensor<TScalar>[] factors)
    {
        lock (_factorLock)
        {
            if (cache is null && factors.Length == 1)
            {
                cache = factors[0].BroadcastLeading(LeadingShape);
            }
            else if (cache is null)
            {
                using var chain = MatrixChain<TScalar>.Of(factors);
                using var product = chain.Materialize();
                cache = product.BroadcastLeading(LeadingShape);
            }

            return cache;
        }
    }

    private void RequireSquare()
    {
        if (LDim != RDim)
        {
            throw new InvalidOperationException($"Can only take B·A (and eigenvalues) if ldim == rdim; shape was {Shapes.Format(_shape)}.");
        }
    }
}
