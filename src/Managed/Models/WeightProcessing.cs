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

        // 1. Fold the layer norms (biases first, with the original weights); the unembedding is centred over the vocabulary (3.) as it is written.
        var (wQ, bQ) = FoldLayerNorm(weights.WQ, weights.BQ, ln1W, ln1B, h, centreRows: false);
        var (wK, bK) = FoldLayerNorm(weights.WK, weights.BK, ln1W, ln1B, h, centreRows: false);
        var (wV, bV) = FoldLayerNorm(weights.WV, weights.BV, ln1W, ln1B, h, centreRows: false);
        var (wU, bU) = FoldLayerNorm(weights.WU, weights.BU, HostDouble.From(weights.LnFinalW), HostDouble.From(weights.LnFinalB), 1, centreRows: true);
        var mlp = weights.Mlp;
        (StridedTensor<TScalar> W, double[] B)? mlpIn = null;
        StridedTensor<TScalar>? wOut = null;
        double[]? bOut = null;
        if (mlp is not null)
        {
            mlpIn = FoldLayerNorm(mlp.WIn, mlp.BIn, HostDouble.From(weights.Ln2W), HostDouble.From(weights.Ln2B), 1, centreRows: false);
            (wOut, bOut) = (Write(mlp.WOut, null, 1, null, centreRows: true), HostDouble.From(mlp.BOut));
        }

        // 2. Centre the weights that write to the residual stream; W_O stays in float64 for step 4.
        var wE = Write(weights.WE, null, 1, null, centreRows: true);
        var wPos = Write(weights.WPos, null, 1, null, centreRows: true);
        double[] wO = HostDouble.From(weights.WO), bO = HostDouble.From(weights.BO);
        foreach (var rows in new[] { wO, bO, bOut })
        {
            if (rows is not null)
            {
                CentreRows(rows, d);
            }
        }

        // 3. Centre b_U over the vocabulary (W_U was centred as it was written).
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
            : new Gpt2Mlp<TScalar>(mlpIn!.Value.W, T(mlpIn.Value.B, l, mlp.DMlp), wOut!, T(bOut!, l, d));
        return new Gpt2Weights<TScalar>(
            wE, wPos,
            wQ, wK, wV, T(wO, l, h, dh, d),
            T(bQ, l, h, dh), T(bK, l, h, dh), T(bV, l, h, dh), T(bO, l, d),
            T(ones, l, d), T(new double[l * d], l, d), T(ones, l, d), T(new double[l * d], l, d),
            T(ones[..d], d), T(new double[d], d),
            wU, T(bU, v),
            processedMlp);
    }

    /// <summary>
    /// Folds a layer norm into the matrices <c>W [..., rows = d, cols]</c> that read from it, and their biases
    /// <c>[..., cols]</c>: <c>b += Wᵀ·ln.b</c>, then <c>W = C(W ⊙ ln.w[:, None])</c>, each row then centred too when
    /// <paramref name="centreRows"/>. Matrix <c>i</c> uses layer norm <c>i / perNorm</c>.
    /// </summary>
    private static (StridedTensor<TScalar> W, double[] B) FoldLayerNorm<TScalar>(
        StridedTensor<TScalar> weight, StridedTensor<TScalar> bias, double[] lnW, double[] lnB, int perNorm, bool centreRows)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        var (data, matrices, rowStride, columnStride) = HostMatrices(weight);
        int rows = weight.Dim(-2), cols = weight.Dim(-1);
        double[] b = HostDouble.From(bias), columnMean = new double[b.Length];

        // Columns are independent: split each matrix into column blocks so that one wide matrix (W_U) uses every core.
        const int BlockColumns = 512;
        int blocks = (cols + BlockColumns - 1) / BlockColumns;
        Parallel.For(0, matrices.Length * blocks, task =>
        {
            int matrix = task / blocks, first = task % blocks * BlockColumns, end = Math.Min(cols, first + BlockColumns);
            int norm = matrix / perNorm * rows;
            for (int c = first; c < end; c++)
            {
                long at = matrices[matrix] + c * columnStride;
                double shifted = b[matrix * cols + c], sum = 0;
                for (int r = 0; r < rows; r++)
                {
                    double x = double.CreateTruncating(data[at + r * rowStride]);
                    shifted += x * lnB[norm + r];
                    sum += x * lnW[norm + r];
                }

                b[matrix * cols + c] = shifted;
                columnMean[matrix * cols + c] = sum / rows;
            }
        });
        return (Write(weight, lnW, perNorm, columnMean, centreRows), b);
    }

    /// <summary>
    /// A new host tensor <c>round(W[i, r, c]·scale[i / perNorm, r] − columnMean[i, c])</c> (scale 1 and mean 0 where
    /// null), each row then centred when <paramref name="centreRows"/>: computed in float64 a tile of rows at a time and
    /// rounded once, with no float64 copy of the whole tensor.
    /// </summary>
    private static StridedTensor<TScalar> Write<TScalar>(StridedTensor<TScalar> weight, double[]? scale, int perNorm, double[]? columnMean, bool centreRows)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        var (data, matrices, rowStride, columnStride) = HostMatrices(weight);
        int rows = weight.Dim(-2), cols = weight.Dim(-1);
        var result = StridedTensor<TScalar>.Zeros(HostKernels.Shared, weight.Shape.ToArray());
        var output = ((HostBuffer<TScalar>)result.Buffer).Array;

        // A tile of 16 rows reads a transposed source (the tied W_U) a cache line at a time.
        const int TileRows = 16;
        int tiles = (rows + TileRows - 1) / TileRows;
        Parallel.For(0, matrices.Length * tiles, () => new double[TileRows * cols], (task, _, tile) =>
        {
            int matrix = task / tiles, first = task % tiles * TileRows, count = Math.Min(TileRows, rows - first);
            for (int c = 0; c < cols; c++)
            {
                long at = matrices[matrix] + c * columnStride + first * rowStride;
                double shift = columnMean is null ? 0 : columnMean[matrix * cols + c];
                for (int r = 0; r < count; r++)
                {
                    double factor = scale is null ? 1 : scale[matrix / perNorm * rows + first + r];
                    tile[r * cols + c] = double.CreateTruncating(data[at + r * rowStride]) * factor - shift;
                }
            }

            for (int r = 0; r < count; r++)
            {
                var row = tile.AsSpan(r * cols, cols);
                double mean = 0;
                if (centreRows)
                {
                    foreach (double x in row)
                    {
                        mean += x;
                    }

                    mean /= cols;
                }

                var destination = output.AsSpan(checked((int)(((long)matrix * rows + first + r) * cols)), cols);
                for (int c = 0; c < cols; c++)
                {
                    destination[c] = TScalar.CreateTruncating(row[c] - mean);
                }
            }

            return tile;
        }, _ => { });
        return result;
    }

    /// <summary>
    /// The elements of <paramref name="tensor"/> where they lie (a row-major copy when it lives off the host): the
    /// array, the first element of each matrix, and the row and column strides.
    /// </summary>
    private static (TScalar[] Data, long[] Matrices, long RowStride, long ColumnStride) HostMatrices<TScalar>(StridedTensor<TScalar> tensor)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        int[] shape = tensor.Shape.ToArray();
        int rows = shape[^2], cols = shape[^1];
        var matrices = new long[Shapes.Product(shape[..^2])];
        if (tensor.Buffer is not HostBuffer<TScalar> host)
        {
            for (int m = 0; m < matrices.Length; m++)
            {
                matrices[m] = (long)m * rows * cols;
            }

            return (tensor.ToArray(), matrices, cols, 1);
        }

        var strides = tensor.Strides;
        for (int m = 0; m < matrices.Length; m++)
        {
            long at = tensor.Offset;
            for (int axis = shape.Length - 3, rest = m; axis >= 0; rest /= shape[axis], axis--)
            {
                at += rest % shape[axis] * strides[axis];
            }

            matrices[m] = at;
        }

        return (host.Array, matrices, strides[^2], strides[^1]);
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
