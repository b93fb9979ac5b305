using System.Numerics;

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

        A = a.BroadcastLeading(leading);
        B = b.BroadcastLeading(leading);
        _shape = Shapes.Concat(leading, a.Dim(-2), b.Dim(-1));
    }

    /// <summary>The left factor <c>[..., l, m]</c>, broadcast to the full leading shape.</summary>
    public StridedTensor<TScalar> A { get; }

    /// <summary>The right factor <c>[..., m, r]</c>, broadcast to the full leading shape.</summary>
    public StridedTensor<TScalar> B { get; }

    /// <summary>The shape of the product: the broadcast leading dimensions, then <c>(l, r)</c>.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The leading (batch) dimensions of <see cref="Shape"/>.</summary>
    public ReadOnlySpan<int> LeadingShape => _shape.AsSpan(0, _shape.Length - 2);

    /// <summary>The number of rows <c>l</c> of the product.</summary>
    public int LDim => _shape[^2];

    /// <summary>The hidden (inner) dimension <c>m</c>.</summary>
    public int MDim => A.Dim(-1);

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
    public StridedTensor<TScalar> AB() => A * B;

    /// <summary>The product in the other order, <c>B·A</c> <c>[..., m, m]</c>; it has the non-zero eigenvalues of <c>A·B</c>.</summary>
    /// <returns>The dense <c>m×m</c> products, owned by the caller.</returns>
    /// <exception cref="InvalidOperationException">The product is not square (<c>l ≠ r</c>); the message names the shape.</exception>
    public StridedTensor<TScalar> BA()
    {
        RequireSquare();
        return B * A;
    }

    /// <summary>TransformerLens's text: <c>FactoredMatrix: Shape([2, 3, 12, 12]), Hidden Dim(4)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"FactoredMatrix: Shape({Shapes.Format(_shape)}), Hidden Dim({MDim})";

    /// <summary>Releases the factor views and the cached SVD.</summary>
    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
        lock (_svdLock)
        {
            _svd?.Dispose();
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
