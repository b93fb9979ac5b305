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
