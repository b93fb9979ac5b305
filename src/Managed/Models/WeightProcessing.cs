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
    /// The processed copy of <paramref name="weights"/>, in TransformerLens's order and with its gating by norm kind:
    /// fold the norms into the weights that read from them, centre the weights that write to the residual stream
    /// (LayerNorm only), centre the unembedding, fold the value biases into <c>b_O</c> (and, LayerNorm only, centre
    /// <c>b_O</c> again).
    /// </summary>
    /// <typeparam name="TScalar">The element type.</typeparam>
    /// <param name="weights">The unprocessed weights (e.g. from a checkpoint); left unchanged unless <paramref name="overwrite"/>.</param>
    /// <param name="overwrite">
    /// True: each processed weight matrix is written over its input where that input is a contiguous host tensor, so that
    /// no second copy of <c>W_Q</c>, <c>W_K</c>, <c>W_V</c>, <c>W_U</c> (and, LayerNorm, <c>W_O</c>, and <c>W_E</c> unless tied) exists at any
    /// time (Llama-3-8B: 9.6 GB at the peak instead of 14.9 GB); <paramref name="weights"/> then holds processed matrices
    /// beside unprocessed biases and norms and must only be disposed. False (the default): <paramref name="weights"/> is left unchanged.
    /// </param>
    /// <returns>
    /// New host weights, owned by the caller (tensors processing leaves alone, and with <paramref name="overwrite"/> the
    /// overwritten ones, are shared views). A tied unembedding (<c>W_U</c> a transposed view of <c>W_E</c>, as the GPT-2 and
    /// tied Qwen2 adapters give it) stays structure, <see cref="TransformerWeights{TScalar}.Tie"/> over the raw <c>W_E</c>
    /// and <c>ln_final.w</c>: no <c>[d, V]</c> matrix is made unless <see cref="TransformerWeights{TScalar}.WU"/> is read. As in TransformerLens's processed state dict the norm weights are 1, the norm
    /// biases and <c>b_V</c> are 0.
    /// </returns>
    /// <remarks>
    /// <para>LayerNorm (GPT-2, GPT-NeoX), with <c>C(X)</c> subtracting the mean over the d_model axis:</para>
    /// <list type="number">
    /// <item><c>b_X += Σ_d W_X[h, d, :]·ln1.b[d]</c>, then <c>W_X = C(W_X ⊙ ln1.w[:, None])</c> for X in Q, K, V; likewise
    /// <c>ln2</c> into <c>W_in</c> (and <c>W_gate</c>), <c>b_in</c>, and <c>ln_final</c> into <c>W_U</c>, <c>b_U</c>.</item>
    /// <item><c>W_E</c>, <c>W_pos</c>, <c>W_O</c>, <c>W_out</c> lose their mean over d_model; <c>b_O</c>, <c>b_out</c> their mean.</item>
    /// <item><c>W_U</c> loses its mean over the vocabulary, <c>b_U</c> its mean.</item>
    /// <item><c>b_O += Σ_h Σ_e b_V[h, e]·W_O[h, e, :]</c>, <c>b_V = 0</c>, and <c>b_O</c> is centred again.</item>
    /// </list>
    /// <para>RMSNorm (Llama, Mistral, Qwen2): step 1 only scales rows, <c>W[.., m, :] *= w[m]</c> (W_Q and the un-repeated
    /// <c>_W_K</c>, <c>_W_V</c> by <c>ln1.w</c>; W_in, W_gate by <c>ln2.w</c>; W_U by <c>ln_final.w</c>), with no bias
    /// change and no centring; step 2 is skipped (RMSNorm does not remove the mean, so centring would change the model);
    /// step 3 runs; step 4 uses <c>_b_V</c> repeated to the query heads, and <c>b_O</c> is not centred again.</para>
    /// <para>Precision: sums run in float64 and each result is rounded to <typeparamref name="TScalar"/> once.
    /// TransformerLens runs it in float32 even for float64 weights, so its float64 results differ from these by up to
    /// about 1.2e-7; its float32 results by float32 rounding.</para>
    /// <para>NaN or ±Inf in a weight spreads through the means it enters; checkpoint loaders reject them first.</para>
    /// </remarks>
    public static TransformerWeights<TScalar> Process<TScalar>(TransformerWeights<TScalar> weights, bool overwrite = false)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        ArgumentNullException.ThrowIfNull(weights);
        var config = weights.Config;
        int l = config.NLayers, h = config.NHeads, kv = config.NKeyValueHeads, d = config.DModel, dh = config.DHead, v = config.DVocab;
        bool layerNorm = config.Norm == NormKind.LayerNorm;
        double[] ln1W = HostDouble.From(weights.Ln1W), ln1B = Bias(weights.Ln1B, l * d);

        // 1. Fold the norms (biases first, with the original weights); the unembedding is centred over the vocabulary (3.) as it is written.
        var (wQ, bQ) = FoldNorm(weights.WQ, weights.BQ, ln1W, ln1B, h, layerNorm, centreRows: false, overwrite);
        var (wK, bK) = FoldNorm(weights.WK, weights.BK, ln1W, ln1B, kv, layerNorm, centreRows: false, overwrite);
        var (wV, bV) = FoldNorm(weights.WV, weights.BV, ln1W, ln1B, kv, layerNorm, centreRows: false, overwrite);

        // A tied W_U (a transposed view of W_E) stays structure over the raw embedding; only b_U is folded here.
        bool tied = MatrixView.Of(weights.WU).Transposes(MatrixView.Of(weights.WE));
        double[] lnFinalW = HostDouble.From(weights.LnFinalW), lnFinalB = Bias(weights.LnFinalB, d);
        var (wU, bU) = tied
            ? (null, FoldBias(weights.WU, weights.BU, lnFinalW, lnFinalB, 1, columnMeans: false).B)
            : FoldNorm(weights.WU, weights.BU, lnFinalW, lnFinalB, 1, layerNorm, centreRows: true, overwrite);
        var tie = tied ? new TiedUnembedding<TScalar>(weights.WE, weights.LnFinalW, layerNorm) : null;
        var mlp = weights.Mlp is { } raw ? ProcessMlp(raw, weights, layerNorm, overwrite) : null;

        // 2. Centre the weights that write to the residual stream (LayerNorm only); a tie still reads the raw W_E.
        var wE = layerNorm ? Write(weights.WE, null, 1, null, centreRows: true, overwrite && !tied) : Keep(weights.WE);
        var wPos = weights.WPos is null ? null : layerNorm ? Write(weights.WPos, null, 1, null, centreRows: true, overwrite) : Keep(weights.WPos);
        var wO = layerNorm ? Write(weights.WO, null, 1, null, centreRows: true, overwrite) : Keep(weights.WO);
        double[] bO = HostDouble.From(weights.BO);
        if (layerNorm)
        {
            CentreRows(bO, d);
        }

        // 3. Centre b_U over the vocabulary (W_U was centred as it was written).
        CentreRows(bU, v);

        // 4. Fold the value biases into b_O through the (centred) W_O, query head h reading key/value head h / (H / KV).
        FoldValueBiases(bO, bV, wO, config);
        Array.Clear(bV);
        if (layerNorm)
        {
            CentreRows(bO, d);
        }

        var host = HostKernels.Shared;
        StridedTensor<TScalar> T(double[] data, params int[] shape) => HostDouble.To<TScalar>(host, data, shape);
        StridedTensor<TScalar> Ones(params int[] shape) => T([.. Enumerable.Repeat(1.0, (int)Shapes.Product(shape))], shape);
        StridedTensor<TScalar>? Zeros(bool present, params int[] shape) => present ? StridedTensor<TScalar>.Zeros(host, shape) : null;
        bool hasLn2 = weights.Ln2W is not null;
        return new TransformerWeights<TScalar>(
            config,
            wE, wPos,
            wQ, wK, wV, wO,
            T(bQ, l, h, dh), T(bK, l, kv, dh), T(bV, l, kv, dh), T(bO, l, d),
            Ones(l, d), Zeros(layerNorm, l, d),
            hasLn2 ? Ones(l, d) : null, Zeros(hasLn2 && layerNorm, l, d),
            Ones(d), Zeros(layerNorm, d),
            wU, T(bU, v),
            mlp,
            tie);
    }

    /// <summary>
    /// The matrix TransformerLens's processing makes of a tied unembedding: <c>W_U = P_d·diag(g)·Xᵀ·P_V</c> (no <c>P_d</c>
    /// for RMSNorm), computed as for an untied one (float64, rounded once), so either path gives the same bits.
    /// </summary>
    internal static StridedTensor<TScalar> Unembedding<TScalar>(TiedUnembedding<TScalar> tie)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        using var transposed = tie.Embedding.Transpose();
        using var noBias = StridedTensor<TScalar>.Zeros(HostKernels.Shared, tie.Embedding.Dim(0));
        int d = tie.Embedding.Dim(1);
        return FoldNorm(transposed, noBias, HostDouble.From(tie.Scale), new double[d], 1, tie.CentredModel, centreRows: true, overwrite: false).W;
    }

    /// <summary>The MLP with <c>ln2</c> folded into <c>W_in</c> (and <c>W_gate</c>), and (LayerNorm) <c>W_out</c>, <c>b_out</c> centred.</summary>
    private static MlpWeights<TScalar> ProcessMlp<TScalar>(MlpWeights<TScalar> mlp, TransformerWeights<TScalar> weights, bool layerNorm, bool overwrite)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        int l = weights.NLayers, d = weights.DModel;
        double[] ln2W = HostDouble.From(weights.Ln2W!), ln2B = Bias(weights.Ln2B, l * d);
        var (wIn, bIn) = FoldNorm(mlp.WIn, mlp.BIn, ln2W, ln2B, 1, layerNorm, centreRows: false, overwrite);
        StridedTensor<TScalar>? wGate = null;
        if (mlp.WGate is { } gate)
        {
            // TransformerLens folds ln2.b into b_in only; the gate has no bias of its own.
            using var noBias = StridedTensor<TScalar>.Zeros(HostKernels.Shared, l, mlp.DMlp);
            (wGate, _) = FoldNorm(gate, noBias, ln2W, ln2B, 1, layerNorm, centreRows: false, overwrite);
        }

        double[] bOut = HostDouble.From(mlp.BOut);
        if (layerNorm)
        {
            CentreRows(bOut, d);
        }

        var host = HostKernels.Shared;
        return new MlpWeights<TScalar>(
            wIn, HostDouble.To<TScalar>(host, bIn, l, mlp.DMlp),
            layerNorm ? Write(mlp.WOut, null, 1, null, centreRows: true, overwrite) : Keep(mlp.WOut), HostDouble.To<TScalar>(host, bOut, l, d),
            wGate);
    }

    /// <summary><c>b_O[l] += Σ_h Σ_e b_V[l, h / G, e]·W_O[l, h, e, :]</c>, summed in float64 over the processed <c>W_O</c>.</summary>
    private static void FoldValueBiases<TScalar>(double[] bO, double[] bV, StridedTensor<TScalar> wO, ModelConfig config)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        if (bV.All(x => x == 0))
        {
            return;
        }

        int h = config.NHeads, d = config.DModel, dh = config.DHead, kv = config.NKeyValueHeads, group = config.QueryGroup;
        TScalar[] data = wO.IsContiguous && wO.Offset == 0 && wO.Buffer is HostBuffer<TScalar> host ? host.Array : wO.ToArray();
        Parallel.For(0, config.NLayers, layer =>
        {
            var output = bO.AsSpan(layer * d, d);
            for (int head = 0; head < h; head++)
            {
                for (int e = 0; e < dh; e++)
                {
                    double bias = bV[(layer * kv + head / group) * dh + e];
                    var row = data.AsSpan(checked((int)(((long)(layer * h + head) * dh + e) * d)), d);
                    for (int j = 0; j < d; j++)
                    {
                        output[j] += bias * double.CreateTruncating(row[j]);
                    }
                }
            }
        });
    }

    /// <summary>A view of a tensor processing leaves unchanged (the processed weights share its memory).</summary>
    private static StridedTensor<TScalar> Keep<TScalar>(StridedTensor<TScalar> tensor)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar> =>
        tensor.BroadcastTo(tensor.Shape.ToArray());

    /// <summary>A norm bias as doubles, zeros when the norm has none (RMSNorm).</summary>
    private static double[] Bias<TScalar>(StridedTensor<TScalar>? bias, int length)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar> =>
        bias is null ? new double[length] : HostDouble.From(bias);

    /// <summary>
    /// Folds a norm into the matrices <c>W [..., rows = d, cols]</c> that read from it, and their biases
    /// <c>[..., cols]</c>: <c>b += Wᵀ·ln.b</c>, then <c>W = W ⊙ ln.w[:, None]</c>, centred over the rows when
    /// <paramref name="centreColumns"/> (LayerNorm) and each row then centred too when <paramref name="centreRows"/>.
    /// Matrix <c>i</c> uses norm <c>i / perNorm</c>; the result overwrites <paramref name="weight"/> as <see cref="Write"/> says.
    /// </summary>
    private static (StridedTensor<TScalar> W, double[] B) FoldNorm<TScalar>(
        StridedTensor<TScalar> weight, StridedTensor<TScalar> bias, double[] lnW, double[] lnB, int perNorm, bool centreColumns, bool centreRows, bool overwrite)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        var (b, columnMean) = FoldBias(weight, bias, lnW, lnB, perNorm, columnMeans: centreColumns);
        return (Write(weight, lnW, perNorm, centreColumns ? columnMean : null, centreRows, overwrite), b);
    }

    /// <summary>
    /// The folded biases <c>b + Wᵀ·ln.b</c> of <see cref="FoldNorm"/> and the column means of <c>W ⊙ ln.w[:, None]</c> over
    /// the rows, one pass over <paramref name="weight"/> and no new matrix; no pass at all when the norm has no bias
    /// (RMSNorm) and the means are not wanted (<paramref name="columnMeans"/> false; they are then left zero).
    /// </summary>
    private static (double[] B, double[] ColumnMean) FoldBias<TScalar>(StridedTensor<TScalar> weight, StridedTensor<TScalar> bias, double[] lnW, double[] lnB, int perNorm, bool columnMeans)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        var (data, matrices, rowStride, columnStride) = HostMatrices(weight);
        int rows = weight.Dim(-2), cols = weight.Dim(-1);
        double[] b = HostDouble.From(bias), columnMean = new double[b.Length];
        if (!columnMeans && Array.TrueForAll(lnB, x => x == 0))
        {
            return (b, columnMean);
        }

        // Columns are independent: split each matrix into column blocks so that one wide matrix (W_U) uses every core.
        // Each block walks its elements along the smaller stride: row by row for a row-major matrix (a column at a time
        // would touch a new cache line, and for W_U a new page, at every element), column by column for a transposed one.
        const int BlockColumns = 512;
        int blocks = (cols + BlockColumns - 1) / BlockColumns;
        bool byRows = Math.Abs(columnStride) <= Math.Abs(rowStride);
        Parallel.For(0, matrices.Length * blocks, task =>
        {
            int matrix = task / blocks, first = task % blocks * BlockColumns, end = Math.Min(cols, first + BlockColumns);
            int norm = matrix / perNorm * rows;
            var shifted = b.AsSpan(matrix * cols + first, end - first);
            var sum = columnMean.AsSpan(matrix * cols + first, end - first);
            for (int i = 0; i < (byRows ? rows : end - first); i++)
            {
                for (int j = 0; j < (byRows ? end - first : rows); j++)
                {
                    int r = byRows ? i : j, c = byRows ? j : i;
                    double x = double.CreateTruncating(data[matrices[matrix] + ((first + c) * columnStride) + (r * rowStride)]);
                    shifted[c] += x * lnB[norm + r];
                    sum[c] += x * lnW[norm + r];
                }
            }

            foreach (ref double mean in sum)
            {
                mean /= rows;
            }
        });
        return (b, columnMean);
    }

    /// <summary>
    /// A host tensor <c>round(W[i, r, c]·scale[i / perNorm, r] − columnMean[i, c])</c> (scale 1 and mean 0 where
    /// null), each row then centred when <paramref name="centreRows"/>: computed in float64 a tile of rows at a time and
    /// rounded once, with no float64 copy of the whole tensor. With <paramref name="overwrite"/> and a contiguous host
    /// <paramref name="weight"/> the result is a view of <paramref name="weight"/>'s memory, written over it: each tile
    /// reads only the rows it then writes, so no task reads what another wrote.
    /// </summary>
    private static StridedTensor<TScalar> Write<TScalar>(StridedTensor<TScalar> weight, double[]? scale, int perNorm, double[]? columnMean, bool centreRows, bool overwrite)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        var (data, matrices, rowStride, columnStride) = HostMatrices(weight);
        int rows = weight.Dim(-2), cols = weight.Dim(-1);
        bool inPlace = overwrite && weight.IsContiguous && weight.Offset == 0 && weight.Buffer is HostBuffer<TScalar>;
        var result = inPlace ? Keep(weight) : StridedTensor<TScalar>.Zeros(HostKernels.Shared, weight.Shape.ToArray());
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
