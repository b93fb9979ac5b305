using System.Numerics;

namespace FactoredGpu;

/// <summary>
/// The result of a product with a <see cref="FactoredMatrix{TScalar}"/>: either still factored or, for a vector, a dense
/// tensor — the same branch TransformerLens takes. Explicit conversions unwrap it when the branch is known.
/// </summary>
/// <typeparam name="TScalar">The element type.</typeparam>
public sealed class FactoredProduct<TScalar> : IDisposable
    where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
{
    internal FactoredProduct(FactoredMatrix<TScalar> factored) => Factored = factored;

    internal FactoredProduct(StridedTensor<TScalar> dense) => Dense = dense;

    /// <summary>The factored result, or null when the product is dense.</summary>
    public FactoredMatrix<TScalar>? Factored { get; }

    /// <summary>The dense result (a product with a vector), or null when the product is factored.</summary>
    public StridedTensor<TScalar>? Dense { get; }

    /// <summary>Whether the product stayed factored.</summary>
    public bool IsFactored => Factored is not null;

    /// <summary>The shape of the result.</summary>
    public ReadOnlySpan<int> Shape => Factored is { } f ? f.Shape : Dense!.Shape;

    /// <summary>The left dimension of the factored result (<see cref="FactoredMatrix{TScalar}.LDim"/>).</summary>
    /// <exception cref="InvalidOperationException">The product is dense.</exception>
    public int LDim => Matrix.LDim;

    /// <summary>The hidden dimension of the factored result (<see cref="FactoredMatrix{TScalar}.MDim"/>).</summary>
    /// <exception cref="InvalidOperationException">The product is dense.</exception>
    public int MDim => Matrix.MDim;

    /// <summary>The right dimension of the factored result (<see cref="FactoredMatrix{TScalar}.RDim"/>).</summary>
    /// <exception cref="InvalidOperationException">The product is dense.</exception>
    public int RDim => Matrix.RDim;

    // The factored result, for the members a factored product answers without a cast.
    private FactoredMatrix<TScalar> Matrix =>
        Factored ?? throw new InvalidOperationException($"The product is a dense tensor of shape {Shapes.Format(Shape)}; use Dense.");

    /// <summary>The Frobenius norm of the factored result (<see cref="FactoredMatrix{TScalar}.Norm"/>), from its factors.</summary>
    /// <exception cref="InvalidOperationException">The product is dense.</exception>
    public StridedTensor<TScalar> Norm() => Matrix.Norm();

    /// <summary>The eigenvalues of the factored result (<see cref="FactoredMatrix{TScalar}.Eigenvalues"/>).</summary>
    /// <exception cref="InvalidOperationException">The product is dense.</exception>
    public ComplexTensor<TScalar> Eigenvalues() => Matrix.Eigenvalues();

    /// <summary>The SVD of the factored result (<see cref="FactoredMatrix{TScalar}.Svd"/>).</summary>
    /// <exception cref="InvalidOperationException">The product is dense.</exception>
    public (StridedTensor<TScalar> U, StridedTensor<TScalar> S, StridedTensor<TScalar> V) Svd() => Matrix.Svd();

    /// <summary>The factored result's description (<c>FactoredMatrix: Shape([5, 300]), Hidden Dim(2)</c>) or the dense result's values.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Factored?.ToString() ?? Dense!.ToString();

    /// <summary>The factored result.</summary>
    /// <param name="product">The product.</param>
    /// <exception cref="InvalidCastException">The product is dense.</exception>
    public static explicit operator FactoredMatrix<TScalar>(FactoredProduct<TScalar> product)
    {
        ArgumentNullException.ThrowIfNull(product);
        return product.Factored ?? throw new InvalidCastException($"The product is a dense tensor of shape {Shapes.Format(product.Shape)}, not a factored matrix.");
    }

    /// <summary>The dense result.</summary>
    /// <param name="product">The product.</param>
    /// <exception cref="InvalidCastException">The product is factored.</exception>
    public static explicit operator StridedTensor<TScalar>(FactoredProduct<TScalar> product)
    {
        ArgumentNullException.ThrowIfNull(product);
        return product.Dense ?? throw new InvalidCastException($"The product is a factored matrix of shape {Shapes.Format(product.Shape)}, not a dense tensor.");
    }

    /// <summary>Continues a chain: <c>(F·M)·N</c> with the same branch rules.</summary>
    /// <param name="left">The factored product so far.</param>
    /// <param name="right">The next matrix.</param>
    /// <returns>The product.</returns>
    public static FactoredProduct<TScalar> operator *(FactoredProduct<TScalar> left, StridedTensor<TScalar> right) => (FactoredMatrix<TScalar>)left * right;

    /// <summary>Continues a chain with a factored matrix.</summary>
    /// <param name="left">The factored product so far.</param>
    /// <param name="right">The next factored matrix.</param>
    /// <returns>The factored product.</returns>
    public static FactoredMatrix<TScalar> operator *(FactoredProduct<TScalar> left, FactoredMatrix<TScalar> right) => (FactoredMatrix<TScalar>)left * right;

    /// <summary>Releases whichever result is held.</summary>
    public void Dispose()
    {
        Factored?.Dispose();
        Dense?.Dispose();
    }
}
