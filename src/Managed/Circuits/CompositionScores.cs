using System.Numerics;
using FactoredGpu.LinearAlgebra;

namespace FactoredGpu.Circuits;

/// <summary>
/// Composition scores between attention circuits (Elhage et al., 2021), as TransformerLens's
/// <c>utilities.matrix.composition_scores</c> and <c>HookedTransformer.all_composition_scores</c> compute them.
/// </summary>
public static class CompositionScores
{
    /// <summary>
    /// <c>‖left·right‖_F / (‖left‖_F·‖right‖_F)</c> for every pair of matrices, which is TransformerLens's
    /// <c>‖CollapseL(left)·CollapseR(right)‖_F / (‖CollapseL(left)‖_F·‖CollapseR(right)‖_F)</c>: the collapsed factors
    /// differ from <c>left</c> and <c>right</c> only by orthonormal factors, which leave Frobenius norms unchanged.
    /// </summary>
    /// <typeparam name="TScalar">The element type.</typeparam>
    /// <param name="left">The earlier circuits <c>[*leftLead, l, k]</c>, e.g. the OV circuits.</param>
    /// <param name="right">The later circuits <c>[*rightLead, k, r]</c>, e.g. the QK circuits; <c>right.LDim</c> must equal <c>left.RDim</c>.</param>
    /// <param name="broadcastDims">
    /// True (TransformerLens's default): every left matrix is paired with every right one and the result has shape
    /// <c>[*leftLead, *rightLead]</c>. False: the leading dimensions broadcast against each other by numpy rules.
    /// </param>
    /// <returns>The scores, in <c>[0, 1]</c> up to rounding, owned by the caller.</returns>
    /// <remarks>
    /// <para>No <c>l×r</c> matrix is formed. With <c>M = B_L·A_R</c> (<c>m_L×m_R</c> per pair, the one step whose cost is
    /// inherent), <c>‖A_L·M·B_R‖²_F = tr(Mᵀ G_L M H_R) = Σ (G_L·M) ∘ (M·H_R)</c> with the Gram matrices
    /// <c>G_L = A_LᵀA_L</c> and <c>H_R = B_R B_Rᵀ</c>, each computed once per circuit; the denominators are
    /// <see cref="FactoredMatrix{TScalar}.Norm"/>. Per pair that is <c>m_L·m_R·(k + m_L + m_R)</c>
    /// multiply-adds instead of SVDs; the elementwise sums run in float64.</para>
    /// <para>Memory: three <c>m_L×m_R</c> matrices per pair (for GPT-2 small's 144×144 heads in float32, about 1 GB).</para>
    /// <para>A pair whose left or right circuit is zero scores NaN (0/0), as in TransformerLens.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// <c>left.RDim ≠ right.LDim</c>, the leading dimensions do not broadcast (when <paramref name="broadcastDims"/> is
    /// false), or the backends differ; the message names both shapes.
    /// </exception>
    public static StridedTensor<TScalar> Compute<TScalar>(FactoredMatrix<TScalar> left, FactoredMatrix<TScalar> right, bool broadcastDims = true)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        string shapes = $"shapes were left: {Shapes.Format(left.Shape)}, right: {Shapes.Format(right.Shape)}";
        if (left.RDim != right.LDim)
        {
            throw new ArgumentException($"Composition scores need left.rdim == right.ldim; {shapes}.");
        }

        if (!ReferenceEquals(left.Backend, right.Backend))
        {
            throw new ArgumentException($"The circuits live on different backends ({left.Backend.Kind}, {right.Backend.Kind}); {shapes}.");
        }

        // Scores do not change when a circuit is multiplied by a number; powers of two keep its Grams in range.
        using var leftScaled = FactorScaling.Normalize(left);
        using var rightScaled = FactorScaling.Normalize(right);
        (left, right) = (leftScaled, rightScaled);
        int nLeft = left.NDim - 2, nRight = right.NDim - 2;

        // TransformerLens unsqueezes left at the end and right at the front, so every left matrix meets every right one.
        var leftPlacement = broadcastDims ? [.. Enumerable.Repeat(TensorIndex.All, nLeft), .. Enumerable.Repeat(TensorIndex.NewAxis, nRight)] : Array.Empty<TensorIndex>();
        var rightPlacement = broadcastDims ? Enumerable.Repeat(TensorIndex.NewAxis, nLeft).ToArray() : [];
        int[] lead;
        try
        {
            lead = broadcastDims ? Shapes.Concat(left.LeadingShape, right.LeadingShape) : Shapes.Broadcast(left.LeadingShape, right.LeadingShape, "Leading dimensions");
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Leading dimensions do not broadcast; {shapes}.", e);
        }

        using var leftGram = Gram(left.A);
        using var rightBt = right.B.Transpose();
        using var rightGram = Gram(rightBt);
        using var bl = left.B.Index(leftPlacement);
        using var gl = leftGram.Index(leftPlacement);
        using var ar = right.A.Index(rightPlacement);
        using var hr = rightGram.Index(rightPlacement);
        using var middle = bl * ar;
        using var gm = gl * middle;
        using var mh = middle * hr;
        TScalar[] x = gm.ToArray(), y = mh.ToArray();

        using var leftNorms = left.Norm();
        using var rightNorms = right.Norm();
        using var leftPlaced = leftNorms.Index(leftPlacement);
        using var rightPlaced = rightNorms.Index(rightPlacement);
        using var leftExpanded = leftPlaced.BroadcastTo(lead);
        using var rightExpanded = rightPlaced.BroadcastTo(lead);
        TScalar[] leftNorm = leftExpanded.ToArray(), rightNorm = rightExpanded.ToArray();

        int size = left.MDim * right.MDim;
        var scores = new double[leftNorm.Length];
        for (int p = 0; p < scores.Length; p++)
        {
            double sum = 0;
            for (int i = p * size; i < (p + 1) * size; i++)
            {
                sum += double.CreateTruncating(x[i]) * double.CreateTruncating(y[i]);
            }

            // tr(MᵀGMH) ≥ 0 exactly; rounding can leave a tiny negative when the product nearly vanishes.
            scores[p] = Math.Sqrt(Math.Max(sum, 0)) / (double.CreateTruncating(leftNorm[p]) * double.CreateTruncating(rightNorm[p]));
        }

        return HostDouble.To<TScalar>(left.Backend, scores, lead);
    }

    /// <summary>
    /// The model-level Q-, K- and V-composition tables of TransformerLens's <c>all_composition_scores</c>:
    /// <c>(OV, QK)</c>, <c>(OV, QKᵀ)</c> and <c>(OV, OV)</c>, each <c>[layers, heads, layers, heads]</c>, with the entries
    /// whose second layer is not later than the first set to zero.
    /// </summary>
    /// <typeparam name="TScalar">The element type.</typeparam>
    /// <param name="ov">
    /// The OV circuits <c>FactoredMatrix(W_V, W_O)</c>, leading shape <c>[layers, heads]</c>, or <c>[layers, …]</c> whose
    /// trailing leading dimensions flatten row-major to the heads (grouped-query attention's <c>[layers, KV, G]</c>).
    /// </param>
    /// <param name="qk">The QK circuits <c>FactoredMatrix(W_Q, W_Kᵀ)</c>, with the leading shape of <paramref name="ov"/>.</param>
    /// <returns>The three tables, owned by the caller.</returns>
    /// <remarks>
    /// <para>Every head meets every head, so the work is arranged for that: with <c>L = A_L·B_L</c> and <c>R = A_R·B_R</c>,
    /// <c>‖L·R‖²_F = tr(B_Lᵀ(A_LᵀA_L)B_L · A_R(B_R B_Rᵀ)A_Rᵀ) = ⟨X_L, Y_R⟩_F</c> with the <c>d×d</c> matrices
    /// <c>X_L = B_Lᵀ G_L B_L</c> and <c>Y_R = A_R H_R A_Rᵀ</c> formed once per head (<c>X</c> once for all three tables), and
    /// only the pairs whose second layer is later are formed: per later layer, its heads' <c>Y</c> for all three tables meet
    /// the <c>X</c> of the earlier layers in one <c>[earlier heads, d²]·[d², 3·heads]</c> product. That is <c>d²</c>
    /// multiply-adds a pair instead of the <c>m²·(d + 2m)</c> of <see cref="Compute"/>, in a few large products instead of
    /// 3·144² small ones, with one pass over <c>X</c> per layer serving all three tables. Memory: <c>X</c> of every head
    /// but the last layer's, <c>[(layers − 1)·heads, d, d]</c>, and one layer's <c>Y</c>, <c>[3·heads, d, d]</c> (312 MB
    /// and 85 MB for GPT-2 small in float32).</para>
    /// <para>Precision: the inner products accumulate <c>d²</c> terms in <typeparamref name="TScalar"/>; a score carries an
    /// absolute error of a few <c>ε·d</c> at most, relative to 1 (float32, GPT-2 small: below 1e-4, typically far below).
    /// A head with NaN or ±Inf weights gets NaN scores in its rows and columns only.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">A circuit is not <c>[layers, heads…, d_model, d_model]</c>, or the two disagree; the message names both shapes.</exception>
    public static CompositionScoreTables<TScalar> ForModel<TScalar>(FactoredMatrix<TScalar> ov, FactoredMatrix<TScalar> qk)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        ArgumentNullException.ThrowIfNull(ov);
        ArgumentNullException.ThrowIfNull(qk);
        if (ov.NDim < 4 || !ov.Shape.SequenceEqual(qk.Shape) || ov.LDim != ov.RDim)
        {
            throw new ArgumentException($"Model circuits must both be [layers, heads…, d_model, d_model]; shapes were OV: {Shapes.Format(ov.Shape)}, QK: {Shapes.Format(qk.Shape)}.");
        }

        if (!ReferenceEquals(ov.Backend, qk.Backend))
        {
            throw new ArgumentException($"The circuits live on different backends ({ov.Backend.Kind}, {qk.Backend.Kind}); shapes were OV: {Shapes.Format(ov.Shape)}, QK: {Shapes.Format(qk.Shape)}.");
        }

        // Scores do not change when a circuit is multiplied by a number; powers of two keep its Grams in range.
        using var ovScaled = FactorScaling.Normalize(ov);
        using var qkScaled = FactorScaling.Normalize(qk);
        (ov, qk) = (ovScaled, qkScaled);
        using var qkT = qk.T;
        using var ovNorms = ov.Norm();
        double[] leftNorms = HostDouble.From(ovNorms);

        // The last layer's heads write to no later head, so X is needed for the earlier layers only.
        var earlier = TensorIndex.Slice(0, ov.Shape[0] - 1);
        using var earlierA = ov.A.Index(earlier);
        using var earlierB = ov.B.Index(earlier);
        using var written = Written(earlierA, earlierB);
        var tables = Pairwise(written, leftNorms, [qk, qkT, ov]);
        return new CompositionScoreTables<TScalar>(tables[0], tables[1], tables[2]);
    }

    /// <summary><c>X = Bᵀ(AᵀA)B</c> per head, <c>[..., r, r]</c>: what <c>‖(A·B)·M‖²_F = ⟨X, M·Mᵀ⟩</c> needs of the earlier circuit.</summary>
    private static StridedTensor<TScalar> Written<TScalar>(StridedTensor<TScalar> a, StridedTensor<TScalar> b)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        using var gram = Gram(a);
        using var gb = gram * b;
        using var bt = b.Transpose();
        return bt * gb;
    }

    /// <summary>
    /// Writes <c>Y = A(B·Bᵀ)Aᵀ</c> per head, <c>[..., l, l]</c>, into <paramref name="destination"/>: what
    /// <c>‖M·(A·B)‖²_F = ⟨Mᵀ·M, Y⟩</c> needs of the later circuit.
    /// </summary>
    private static void Read<TScalar>(StridedTensor<TScalar> a, StridedTensor<TScalar> b, StridedTensor<TScalar> destination)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        using var bt = b.Transpose();
        using var gram = Gram(bt);
        using var at = a.Transpose();
        using var ga = gram * at;
        a.Backend.Gemm(TScalar.One, a.AsBatch(), ga.AsBatch(), TScalar.Zero, destination.AsBatch());
    }

    /// <summary>
    /// The masked scores <c>√⟨X_i, Y_j⟩ / (‖L_i‖·‖R_j‖)</c> for every earlier head <c>i</c> and later head <c>j</c>, one
    /// table per circuit of <paramref name="rights"/>. <c>Y = A(B·Bᵀ)Aᵀ</c> is formed one layer at a time for all the
    /// tables together and met only by the <c>X</c> of earlier layers, in one <c>[earlier heads, d²]·[d², tables·heads]</c>
    /// product per layer, so that each pass over <c>X</c> serves every table.
    /// </summary>
    private static StridedTensor<TScalar>[] Pairwise<TScalar>(StridedTensor<TScalar> written, double[] leftNorms, FactoredMatrix<TScalar>[] rights)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        int layers = written.Shape[0] + 1, heads = checked((int)Shapes.Product(written.Shape[1..^2])), d = written.Dim(-1), n = layers * heads, columns = rights.Length * heads;
        long size = (long)d * d;
        using var writtenDense = written.IsContiguous ? written.BroadcastTo(written.Shape.ToArray()) : written.Contiguous();
        double[][] norms = new double[rights.Length][], scores = new double[rights.Length][];
        for (int t = 0; t < rights.Length; t++)
        {
            using var rightNorms = rights[t].Norm();
            norms[t] = HostDouble.From(rightNorms);
            scores[t] = new double[n * n];
        }

        using var read = StridedTensor<TScalar>.Zeros(written.Backend, columns, d, d);
        for (int later = 1; later < layers; later++)
        {
            for (int t = 0; t < rights.Length; t++)
            {
                using var a = rights[t].A.Index(later);
                using var b = rights[t].B.Index(later);
                int[] shape = [.. a.Shape[..^2], d, d];
                using var destination = read.View(read.Offset + t * heads * size, shape, StridedTensor<TScalar>.ContiguousStrides(shape));
                Read(a, b, destination);
            }

            int rows = later * heads;
            using var x = writtenDense.View(writtenDense.Offset, [rows, checked((int)size)], [size, 1]);
            using var y = read.View(read.Offset, [checked((int)size), columns], [1, size]);
            using var inner = x * y;
            double[] dots = HostDouble.From(inner);
            for (int i = 0; i < rows; i++)
            {
                for (int c = 0; c < columns; c++)
                {
                    // ⟨X, Y⟩ ≥ 0 exactly; rounding may leave a tiny negative.
                    int t = c / heads, j = later * heads + c % heads;
                    scores[t][i * n + j] = Math.Sqrt(Math.Max(dots[i * columns + c], 0)) / (leftNorms[i] * norms[t][j]);
                }
            }
        }

        return [.. scores.Select(table => HostDouble.To<TScalar>(written.Backend, table, layers, heads, layers, heads))];
    }

    private static StridedTensor<TScalar> Gram<TScalar>(StridedTensor<TScalar> x)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        var gram = StridedTensor<TScalar>.Zeros(x.Backend, Shapes.Concat(x.Shape[..^2], x.Dim(-1), x.Dim(-1)));
        if (gram.Length > 0)
        {
            x.Backend.Gram(x.AsBatch(), gram.AsBatch());
        }

        return gram;
    }
}
