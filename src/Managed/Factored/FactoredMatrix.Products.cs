using System.Numerics;

namespace FactoredGpu;

/// <content>Products with factored matrices, matrices, vectors and scalars, by TransformerLens's branch rules.</content>
public sealed partial class FactoredMatrix<TScalar>
{
    /// <summary>
    /// <c>F·G = (F·G.A)·G.B</c>, each step by the matrix rule of <see cref="op_Multiply(FactoredMatrix{TScalar}, StridedTensor{TScalar})"/>.
    /// </summary>
    /// <param name="left">The left factored matrix.</param>
    /// <param name="right">The right factored matrix; <c>right.LDim</c> must equal <c>left.RDim</c>.</param>
    /// <returns>The factored product.</returns>
    /// <exception cref="ArgumentException">The inner sizes differ or the leading dimensions do not broadcast.</exception>
    public static FactoredMatrix<TScalar> operator *(FactoredMatrix<TScalar> left, FactoredMatrix<TScalar> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (right.LDim != left.RDim)
        {
            throw new ArgumentException($"Right matrix must match on inner dimension, shapes were self: {Shapes.Format(left.Shape)}, other: {Shapes.Format(right.Shape)}.");
        }

        // TransformerLens's (F·G.A)·G.B, with G.A and G.B kept as the lazy products they are.
        using var step = left.Times(right.LeftFactors);
        return step.Times(right.RightFactors);
    }

    /// <summary>
    /// <c>F·M</c> for a matrix (or batch) <c>M [..., r, n]</c>: factored <c>(A, B·M)</c> when <c>r &gt; m</c> (hidden dim stays
    /// <c>m</c>), else <c>(A·B, M)</c> (hidden dim becomes <c>r</c>). For a vector <c>v [r]</c>: the dense <c>A·(B·v)</c>, shape <c>[..., l]</c>.
    /// </summary>
    /// <param name="left">The factored matrix.</param>
    /// <param name="right">A matrix, a batch of matrices, or a vector.</param>
    /// <returns>A <see cref="FactoredProduct{TScalar}"/> holding either a factored matrix or a dense tensor.</returns>
    /// <exception cref="ArgumentException">The inner sizes differ or the leading dimensions do not broadcast; the message names both shapes.</exception>
    public static FactoredProduct<TScalar> operator *(FactoredMatrix<TScalar> left, StridedTensor<TScalar> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (right.Rank < 2)
        {
            if (right.Rank == 0 || right.Dim(-1) != left.RDim)
            {
                throw new ArgumentException($"Vector of shape {Shapes.Format(right.Shape)} does not match factored matrix of shape {Shapes.Format(left.Shape)}.");
            }

            using var column = right.Unsqueeze(-1);
            using var bv = left.B * column;
            using var abv = left.A * bv;
            return new FactoredProduct<TScalar>(abv.Squeeze(-1));
        }

        if (right.Dim(-2) != left.RDim)
        {
            throw new ArgumentException($"Right matrix must match on inner dimension, shapes were self: {Shapes.Format(left.Shape)}, other: {Shapes.Format(right.Shape)}.");
        }

        return new FactoredProduct<TScalar>(left.Times([right]));
    }

    /// <summary>
    /// TransformerLens's rule for <c>F·M</c>, kept lazy: <c>(A, B·M)</c> when <c>r &gt; m</c>, else <c>(A·B, M)</c>, with
    /// <c>M = factors[0]⋯factors[^1]</c> and nothing multiplied until a factor or a reduction is asked for.
    /// </summary>
    private FactoredMatrix<TScalar> Times(StridedTensor<TScalar>[] factors) =>
        RDim > MDim
            ? new FactoredMatrix<TScalar>(_left, [.. _right, .. factors])
            : new FactoredMatrix<TScalar>([.. _left, .. _right], factors);

    /// <summary>
    /// <c>M·F</c> for a matrix (or batch) <c>M [..., n, l]</c>: factored <c>(M·A, B)</c> when <c>l &gt; m</c>, else <c>(M, A·B)</c>.
    /// For a row vector <c>u [l]</c>: the dense <c>(u·A)·B</c>, shape <c>[..., r]</c>.
    /// </summary>
    /// <param name="left">A matrix, a batch of matrices, or a vector.</param>
    /// <param name="right">The factored matrix.</param>
    /// <returns>A <see cref="FactoredProduct{TScalar}"/> holding either a factored matrix or a dense tensor.</returns>
    /// <exception cref="ArgumentException">The inner sizes differ or the leading dimensions do not broadcast; the message names both shapes.</exception>
    public static FactoredProduct<TScalar> operator *(StridedTensor<TScalar> left, FactoredMatrix<TScalar> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (left.Rank == 0 || left.Dim(-1) != right.LDim)
        {
            throw new ArgumentException($"Left matrix must match on inner dimension, shapes were self: {Shapes.Format(right.Shape)}, other: {Shapes.Format(left.Shape)}.");
        }

        if (left.Rank < 2)
        {
            using var row = left.Unsqueeze(-2);
            using var ua = row * right.A;
            using var uab = ua * right.B;
            return new FactoredProduct<TScalar>(uab.Squeeze(-2));
        }

        // TransformerLens's rule, kept lazy: (M·A, B) when l > m, else (M, A·B).
        return new FactoredProduct<TScalar>(right.LDim > right.MDim
            ? new FactoredMatrix<TScalar>([left, .. right.LeftFactors], right.RightFactors)
            : new FactoredMatrix<TScalar>([left], [.. right.LeftFactors, .. right.RightFactors]));
    }

    /// <summary>Scales by a scalar: <c>(s·A, B)</c>.</summary>
    /// <param name="matrix">The factored matrix.</param>
    /// <param name="scalar">The factor.</param>
    /// <returns>The scaled factored matrix.</returns>
    public static FactoredMatrix<TScalar> operator *(FactoredMatrix<TScalar> matrix, TScalar scalar)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (!matrix.IsLazy)
        {
            using var scaled = matrix.A * scalar;
            return new FactoredMatrix<TScalar>(scaled, matrix.B);
        }

        using var first = matrix.LeftFactors[0] * scalar;
        return new FactoredMatrix<TScalar>([first, .. matrix.LeftFactors[1..]], matrix.RightFactors);
    }

    /// <summary>Scales by a scalar: <c>(s·A, B)</c>.</summary>
    /// <param name="scalar">The factor.</param>
    /// <param name="matrix">The factored matrix.</param>
    /// <returns>The scaled factored matrix.</returns>
    public static FactoredMatrix<TScalar> operator *(TScalar scalar, FactoredMatrix<TScalar> matrix) => matrix * scalar;

    /// <summary>Scales by a one-element tensor (rank 0 or one element of any rank): <c>(s·A, B)</c>.</summary>
    /// <param name="scalar">The tensor holding the factor.</param>
    /// <returns>The scaled factored matrix.</returns>
    /// <exception cref="ArgumentException">The tensor has more than one element (for a matrix product use <c>*</c>).</exception>
    public FactoredMatrix<TScalar> Scale(StridedTensor<TScalar> scalar)
    {
        ArgumentNullException.ThrowIfNull(scalar);
        if (scalar.Length != 1)
        {
            throw new ArgumentException($"Tensor must be a scalar to scale by, but was of shape {Shapes.Format(scalar.Shape)}. For matrix multiplication, use * instead.", nameof(scalar));
        }

        return this * scalar.ToScalar();
    }
}
