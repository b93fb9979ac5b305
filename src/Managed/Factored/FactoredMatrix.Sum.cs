using System.Numerics;

namespace FactoredGpu;

/// <content>Sums and differences of factored matrices, still factored.</content>
public sealed partial class FactoredMatrix<TScalar>
{
    /// <summary>
    /// <c>A₁·B₁ + A₂·B₂ = [A₁ A₂]·[B₁; B₂]</c>: the factors are joined along the hidden dimension, so the sum stays
    /// factored with hidden dimension <c>m₁ + m₂</c> and the <c>l×r</c> matrices are never formed.
    /// </summary>
    /// <param name="left">The first term <c>[..., l, r]</c>.</param>
    /// <param name="right">The second term <c>[..., l, r]</c>; leading dimensions broadcast against <paramref name="left"/>'s.</param>
    /// <returns>The sum, shape <c>[broadcast leading..., l, r]</c>, with new (contiguous) factors owned by the caller.</returns>
    /// <remarks>
    /// The joined factors are dense copies: a factor shared across leading indices (zero stride) is expanded. The values
    /// are exact copies, so <c>(A·B)ᵢⱼ</c> of the sum is the <c>m₁ + m₂</c>-term dot product of the originals.
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// <c>l</c> or <c>r</c> differ, the leading dimensions do not broadcast, or the backends differ; the message names both shapes.
    /// </exception>
    public static FactoredMatrix<TScalar> operator +(FactoredMatrix<TScalar> left, FactoredMatrix<TScalar> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        string shapes = $"shapes were {Shapes.Format(left.Shape)} and {Shapes.Format(right.Shape)}";
        if (left.LDim != right.LDim || left.RDim != right.RDim)
        {
            throw new ArgumentException($"Factored matrices must have equal (l, r) to be added; {shapes}.");
        }

        if (!ReferenceEquals(left.Backend, right.Backend))
        {
            throw new ArgumentException($"Factored matrices live on different backends ({left.Backend.Kind}, {right.Backend.Kind}); {shapes}.");
        }

        int[] leading;
        try
        {
            leading = Shapes.Broadcast(left.LeadingShape, right.LeadingShape, "Leading dimensions");
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Cannot add factored matrices whose leading dimensions do not broadcast; {shapes}.", e);
        }

        using var a1 = left.A.BroadcastLeading(leading);
        using var a2 = right.A.BroadcastLeading(leading);
        using var b1 = left.B.BroadcastLeading(leading);
        using var b2 = right.B.BroadcastLeading(leading);
        using var a = StridedTensor<TScalar>.Concatenate(-1, a1, a2);
        using var b = StridedTensor<TScalar>.Concatenate(-2, b1, b2);
        return new FactoredMatrix<TScalar>(a, b);
    }

    /// <summary><c>A₁·B₁ − A₂·B₂</c>, the sum with <c>(−A₂, B₂)</c>; see <see cref="op_Addition"/>.</summary>
    /// <param name="left">The minuend.</param>
    /// <param name="right">The subtrahend.</param>
    /// <returns>The difference, factored with hidden dimension <c>m₁ + m₂</c>.</returns>
    /// <exception cref="ArgumentException"><c>l</c> or <c>r</c> differ or the leading dimensions do not broadcast.</exception>
    public static FactoredMatrix<TScalar> operator -(FactoredMatrix<TScalar> left, FactoredMatrix<TScalar> right)
    {
        using var negated = -right;
        return left + negated;
    }

    /// <summary>The negation <c>(−A, B)</c>.</summary>
    /// <param name="matrix">The factored matrix.</param>
    /// <returns>The negated factored matrix.</returns>
    public static FactoredMatrix<TScalar> operator -(FactoredMatrix<TScalar> matrix) => matrix * TScalar.NegativeOne;

    /// <summary>The sum <c>this + other</c>; see <see cref="op_Addition"/>.</summary>
    /// <param name="other">The second term.</param>
    /// <returns>The sum.</returns>
    /// <exception cref="ArgumentException"><c>l</c> or <c>r</c> differ or the leading dimensions do not broadcast.</exception>
    public FactoredMatrix<TScalar> Add(FactoredMatrix<TScalar> other) => this + other;

    /// <summary>The difference <c>this − other</c>; see <see cref="op_Subtraction"/>.</summary>
    /// <param name="other">The subtrahend.</param>
    /// <returns>The difference.</returns>
    /// <exception cref="ArgumentException"><c>l</c> or <c>r</c> differ or the leading dimensions do not broadcast.</exception>
    public FactoredMatrix<TScalar> Subtract(FactoredMatrix<TScalar> other) => this - other;

    /// <summary>The negation; see <see cref="op_UnaryNegation"/>.</summary>
    /// <returns>The negated factored matrix.</returns>
    public FactoredMatrix<TScalar> Negate() => -this;
}
