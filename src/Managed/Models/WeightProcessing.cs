using System.Numerics;
using FactoredGpu.Kernels.Host;

namespace FactoredGpu.Models;

/// <summary>
/// TransformerLens's default weight processing (<c>HookedTransformer.from_pretrained</c> with
/// <c>fold_ln</c>, <c>center_writing_weights</c>, <c>center_unembed</c>, <c>fold_value_biases</c>), which leaves every
/// circuit TransformerLens users inspect in the form they know.
/// </summary>
public static class WeightProcessing
{
    /// <summary>
    /// The processed copy of <paramref name="weights"/>, in TransformerLens's order: fold the layer norms into the
    /// weights that read from them, centre the weights that write to the residual stream, centre the unembedding, fold
    /// the value biases into <c>b_O</c>, and centre <c>b_O</c> again.
    /// </summary>
    /// <typeparam name="TScalar">The element type.</typeparam>
    /// <param name="weights">The unprocessed weights (e.g. from a checkpoint); left unchanged.</param>
    /// <returns>
    /// New host weights, owned by the caller. As in TransformerLens's processed state dict the layer-norm weights are 1,
    /// the layer-norm biases and <c>b_V</c> are 0.
    /// </returns>
    /// <remarks>
    /// <para>With <c>C(X)</c> subtracting the mean over the d_model axis:</para>
    /// <list type="number">
    /// <item><c>b_X += Σ_d W_X[h, d, :]·ln1.b[d]</c>, then <c>W_X = C(W_X ⊙ ln1.w[:, None])</c> for X in Q, K, V; likewise
    /// <c>ln2</c> into <c>W_in</c>, <c>b_in</c> and <c>ln_final</c> into <c>W_U</c>, <c>b_U</c>.</item>
    /// <item><c>W_E</c>, <c>W_pos</c>, <c>W_O</c>, <c>W_out</c> lose their mean over d_model; <c>b_O</c>, <c>b_out</c> their mean.</item>
    /// <item><c>W_U</c> loses its mean over the vocabulary, <c>b_U</c> its mean.</item>
    /// <item><c>b_O += Σ_h Σ_e b_V[h, e]·W_O[h, e, :]</c>, <c>b_V = 0</c>, and <c>b_O</c> is centred again.</item>
    /// </list>
    /// <para>Precision: the arithmetic runs in float64 and the results are rounded to <typeparamref name="TScalar"/> once.
    /// TransformerLens runs it in float32 even for float64 weights, so its float64 results differ from these by up to
    /// about 1.2e-7; its float32 results by float32 rounding.</para>
    /// <para>NaN or ±Inf in a weight spreads through the means it enters; checkpoint loaders reject them first.</para>
    /// </remarks>
    public static Gpt2Weights<TScalar> Process<TScalar>(Gpt2Weights<TScalar> weights)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        ArgumentNullException.ThrowIfNull(weights);
        int l = weights.NLayers, h = weights.NHeads, d = weights.DModel, dh = weights.DHead, v = weights.DVocab;
        double[] ln1W = HostDouble.From(weights.Ln1W), ln1B = HostDouble.From(weights.Ln1B);

        // 1. Fold the layer norms (biases first, with the original weights).
        var (wQ, bQ) = FoldLayerNorm(weights.WQ, weights.BQ, ln1W, ln1B, l * h, h, d, dh);
        var (wK, bK) = FoldLayerNorm(weights.WK, weights.BK, ln1W, ln1B, l * h, h, d, dh);
        var (wV, bV) = FoldLayerNorm(weights.WV, weights.BV, ln1W, ln1B, l * h, h, d, dh);
        var (wU, bU) = FoldLayerNorm(weights.WU, weights.BU, HostDouble.From(weights.LnFinalW), HostDouble.From(weights.LnFinalB), 1, 1, d, v);
        var mlp = weights.Mlp;
        (double[] W, double[] B)? mlpIn = null;
        double[]? wOut = null, bOut = null;
        if (mlp is not null)
        {
            mlpIn = FoldLayerNorm(mlp.WIn, mlp.BIn, HostDouble.From(weights.Ln2W), HostDouble.From(weights.Ln2B), l, 1, d, mlp.DMlp);
            (wOut, bOut) = (HostDouble.From(mlp.WOut), HostDouble.From(mlp.BOut));
        }

        // 2. Centre the weights that write to the residual stream.
        double[] wE = HostDouble.From(weights.WE), wPos = HostDouble.From(weights.WPos), wO = HostDouble.From(weights.WO), bO = HostDouble.From(weights.BO);
        foreach (var rows in new[] { wE, wPos, wO, bO, wOut, bOut })
        {
            if (rows is not null)
            {
                CentreRows(rows, d);
            }
        }

        // 3. Centre the unembedding over the vocabulary.
        CentreRows(wU, v);
        CentreRows(bU, v);

        // 4. Fold the value biases into b_O, through the centred W_O; then centre b_O again.
        for (int layer = 0; layer < l; layer++)
        {
            var output = bO.AsSpan(layer * d, d);
            for (int e = layer * h * dh; e < (layer + 1) * h * dh; e++)
            {
                var row = wO.AsSpan(e * d, d);
                for (int j = 0; j < d; j++)
                {
                    output[j] += bV[e] * row[j];
                }
            }
        }

        Array.Clear(bV);
        CentreRows(bO, d);

        var host = HostKernels.Shared;
        StridedTensor<TScalar> T(double[] data, params int[] shape) => HostDouble.To<TScalar>(host, data, shape);
        double[] ones = [.. Enumerable.Repeat(1.0, l * d)];
        var processedMlp = mlp is null
            ? null
            : new Gpt2Mlp<TScalar>(T(mlpIn!.Value.W, l, d, mlp.DMlp), T(mlpIn.Value.B, l, mlp.DMlp), T(wOut!, l, mlp.DMlp, d), T(bOut!, l, d));
        return new Gpt2Weights<TScalar>(
            T(wE, v, d), T(wPos, weights.NCtx, d),
            T(wQ, l, h, d, dh), T(wK, l, h, d, dh), T(wV, l, h, d, dh), T(wO, l, h, dh, d),
            T(bQ, l, h, dh), T(bK, l, h, dh), T(bV, l, h, dh), T(bO, l, d),
            T(ones, l, d), T(new double[l * d], l, d), T(ones, l, d), T(new double[l * d], l, d),
            T(ones[..d], d), T(new double[d], d),
            T(wU, d, v), T(bU, v),
            processedMlp);
    }

    /// <summary>
    /// Folds a layer norm into the <c>batches</c> matrices <c>W [rows = d, cols]</c> that read from it, and their biases
    /// <c>[cols]</c>: <c>b += Wᵀ·ln.b</c>, then <c>W = C(W ⊙ ln.w[:, None])</c>. Matrix <c>i</c> uses layer norm
    /// <c>i / perNorm</c>.
    /// </summary>
    private static (double[] W, double[] B) FoldLayerNorm<TScalar>(
        StridedTensor<TScalar> weight, StridedTensor<TScalar> bias, double[] lnW, double[] lnB, int batches, int perNorm, int rows, int cols)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        double[] w = HostDouble.From(weight), b = HostDouble.From(bias);
        Parallel.For(0, batches, batch =>
        {
            int norm = batch / perNorm * rows;
            var matrix = w.AsSpan(batch * rows * cols, rows * cols);
            var output = b.AsSpan(batch * cols, cols);
            var mean = new double[cols];
            for (int r = 0; r < rows; r++)
            {
                var row = matrix.Slice(r * cols, cols);
                double shift = lnB[norm + r], scale = lnW[norm + r];
                for (int c = 0; c < cols; c++)
                {
                    output[c] += row[c] * shift;
                    row[c] *= scale;
                    mean[c] += row[c];
                }
            }

            for (int c = 0; c < cols; c++)
            {
                mean[c] /= rows;
            }

            for (int r = 0; r < rows; r++)
            {
                var row = matrix.Slice(r * cols, cols);
                for (int c = 0; c < cols; c++)
                {
                    row[c] -= mean[c];
                }
            }
        });
        return (w, b);
    }

    /// <summary>Subtracts from each row of <c>cols</c> elements its mean.</summary>
    private static void CentreRows(double[] data, int cols) =>
        Parallel.For(0, data.Length / cols, r =>
        {
            var row = data.AsSpan(r * cols, cols);
            double mean = 0;
            foreach (double x in row)
            {
                mean += x;
            }

            mean /= cols;
            for (int c = 0; c < cols; c++)
            {
                row[c] -= mean;
            }
        });
}
