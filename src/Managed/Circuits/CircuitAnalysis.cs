using System.Diagnostics;
using System.Numerics;
using FactoredGpu.Kernels;
using FactoredGpu.Models;

namespace FactoredGpu.Circuits;

/// <summary>The main job of <c>factored circuits</c>: every attention head's OV, QK and full OV circuit, and how heads compose.</summary>
public static class CircuitAnalysis
{
    /// <summary>
    /// Analyses every attention head of a model of any family and fills a <see cref="CircuitReport"/>: OV and QK eigenvalue
    /// copying scores, OV eigenvalues, singular values and norms, full OV (<c>W_E·W_V·W_O·W_U</c>) eigenvalues and copying
    /// scores, TransformerLens's <c>all_composition_scores</c>, and the tokens the strongest copying heads map most
    /// strongly to themselves.
    /// </summary>
    /// <typeparam name="TScalar">The element type of the weights; the heavy products run in it.</typeparam>
    /// <param name="model">The model, usually processed (<see cref="TransformerModel.Load{TScalar}"/> does by default); not modified.</param>
    /// <param name="summary">The summary to put in the report; its dimensions must be those of <paramref name="model"/>.</param>
    /// <param name="backend">Where the products run (the weights the analysis reads are copied there when they live elsewhere).</param>
    /// <param name="options">How many top-token heads and tokens to report.</param>
    /// <param name="progress">Receives each stage's start (fraction 0), finish (fraction 1), and fractions in between where a stage has natural steps.</param>
    /// <param name="cancellationToken">Checked before each stage and between the top-token heads.</param>
    /// <returns>
    /// The report; <see cref="CircuitReport.TimingsMs"/> holds <c>ov</c>, <c>qk</c>, <c>full_ov</c>, <c>composition</c> (unless
    /// <see cref="CircuitAnalysisOptions.Composition"/> is false), <c>top_tokens</c>.
    /// </returns>
    /// <remarks>
    /// <para>Stages, in order: <c>ov</c> — <c>FactoredMatrix(W_V, W_O)</c>: eigenvalues of the <c>dh×dh</c> products
    /// <c>W_O·W_V</c>, singular values and norms from Gram matrices. <c>qk</c> — <c>FactoredMatrix(W_Q, W_Kᵀ)</c>:
    /// eigenvalues. <c>full_ov</c> — the lazy chain <c>W_E·W_V·W_O·W_U</c> (<see cref="FullOvPlan"/>): eigenvalues of its
    /// <c>dh×dh</c> rotation <c>W_O·((W_U·W_E)·W_V)</c>, with <c>W_U·W_E</c> (<c>d×d</c>) computed once for all heads and
    /// <c>(W_U·W_E)·W_V</c> once per key/value head; no <c>[V, dh]</c> factor per head and no <c>V×V</c> matrix. For a tied
    /// model (<see cref="TransformerWeights{TScalar}.Tie"/>) <c>W_U·W_E = P_d·diag(g)·(Xᵀ·P_V·X)·P_d</c> is one symmetric Gram
    /// product (half a GEMM's FLOPs) plus <c>O(d²)</c> corrections. <c>composition</c> — <see cref="CompositionScores.ForModel"/>, skipped when
    /// <see cref="CircuitAnalysisOptions.Composition"/> is false.
    /// <c>top_tokens</c> — for the <see cref="CircuitAnalysisOptions.TopTokenHeads"/> heads with the highest full OV
    /// copying score, the diagonal of the full OV circuit (<see cref="MatrixChain{TScalar}.Diagonal"/>, one head's
    /// <c>[V, dh]</c> halves at a time) and its <see cref="CircuitAnalysisOptions.TopK"/> largest entries.</para>
    /// <para>Grouped-query attention follows TransformerLens (query head <c>h</c> uses key/value head <c>h / (H / KV)</c>)
    /// without repeating <c>W_K</c>, <c>W_V</c>: every circuit runs over leading dimensions <c>[L, KV, H / KV]</c>, the
    /// key/value factors broadcast over the last with stride 0, and results flatten to <c>[L, H]</c>.</para>
    /// <para>Copying scores are TransformerLens's <c>Σλ.real / Σ|λ|</c>; eigenvalues are sorted by descending real part,
    /// then imaginary part. A head whose weights hold NaN or ±Inf gets NaN results instead of an exception, and is never
    /// picked for top tokens; ties between tokens go to the lower token id.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// <paramref name="summary"/> disagrees with the model's dimensions, or an option is out of range (<c>TopTokenHeads &lt; 0</c>,
    /// <c>TopK</c> outside <c>[1, V]</c>).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static CircuitReport Run<TScalar>(
        TransformerModel<TScalar> model, ModelSummary summary, IKernels backend, CircuitAnalysisOptions options, IProgress<CircuitProgress>? progress = null,
        CancellationToken cancellationToken = default)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(options);
        var weights = model.Weights;
        int layers = weights.NLayers, heads = weights.NHeads, dHead = weights.DHead;
        if ((summary.NLayers, summary.NHeads, summary.DModel, summary.DHead, summary.DVocab) != (layers, heads, weights.DModel, dHead, weights.DVocab))
        {
            throw new ArgumentException(
                $"The model summary (L={summary.NLayers}, H={summary.NHeads}, d={summary.DModel}, dh={summary.DHead}, V={summary.DVocab}) disagrees with the model (L={layers}, H={heads}, d={weights.DModel}, dh={dHead}, V={weights.DVocab}).",
                nameof(summary));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(options.TopTokenHeads, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TopK, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.TopK, weights.DVocab, nameof(options));

        var timings = new List<KeyValuePair<string, double>>();
        TResult Stage<TResult>(string name, Func<Action<double>, TResult> work)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new CircuitProgress(name, 0));
            var clock = Stopwatch.StartNew();
            var result = work(fraction =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new CircuitProgress(name, fraction));
            });
            // The stage's temporaries are garbage now; a full collection makes their space the next stage's, where the
            // collector's own schedule (its budget grows with a heap of 10 GB of weights) left gigabytes uncollected at 8B.
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            timings.Add(new(name, clock.Elapsed.TotalMilliseconds));
            progress?.Report(new CircuitProgress(name, 1));
            return result;
        }

        using var circuits = new GroupedCircuits<TScalar>(weights, backend);
        var (ov, qk) = (circuits.OV, circuits.QK);

        var (ovEigen, ovScores, ovSingular, ovNorms) = Stage("ov", _ =>
        {
            var (eigen, scores) = Spectrum(ov.Eigenvalues, layers, heads);
            using var singular = ov.SingularValues();
            using var norms = ov.Norm();
            return (eigen, scores, Jagged(HostDouble.From(singular), layers, heads), Grid(HostDouble.From(norms), layers, heads));
        });
        var (_, qkScores) = Stage("qk", _ => Spectrum(qk.Eigenvalues, layers, heads));
        var (fullEigen, fullScores) = Stage("full_ov", _ =>
        {
            using var chain = circuits.FullOv();
            return Spectrum(chain.Eigenvalues, layers, heads);
        });
        var composition = !options.Composition ? null : Stage("composition", _ =>
        {
            using var tables = CompositionScores.ForModel(ov, qk);
            double[][][][] Table(StridedTensor<TScalar> t) =>
                [.. Jagged(HostDouble.From(t), layers, heads).Select(row => row.Select(scores => Grid(scores, layers, heads)).ToArray())];
            return new CompositionTable(Table(tables.Q), Table(tables.K), Table(tables.V));
        });
        var topTokens = Stage("top_tokens", report => TopTokens(circuits, fullScores, options, report));

        return new CircuitReport
        {
            Model = summary,
            OvCopyingScores = ovScores,
            QkCopyingScores = qkScores,
            FullOvCopyingScores = fullScores,
            OvEigenvalues = ovEigen,
            FullOvEigenvalues = fullEigen,
            OvSingularValues = ovSingular,
            OvNorms = ovNorms,
            CompositionScores = composition,
            TopTokens = topTokens,
            TimingsMs = timings,
        };
    }

    /// <summary>
    /// The plan of the full OV circuit's eigenvalues for <paramref name="model"/>: the cyclic rotation
    /// <c>W_O·((W_U·W_E)·W_V)</c>, with <c>W_U·W_E</c> formed once, <c>(W_U·W_E)·W_V</c> once per key/value head and
    /// <c>W_O·(…)</c> per query head (for a tied model <c>W_U·W_E</c> is a Gram step, <see cref="ChainStepKind.ProjectedGram"/>);
    /// <see cref="ChainPlan.Explain"/> shows each step's kind, distinct batch count and FLOPs.
    /// </summary>
    /// <typeparam name="TScalar">The element type.</typeparam>
    /// <param name="model">The model.</param>
    /// <returns>The plan (no data).</returns>
    public static ChainPlan FullOvPlan<TScalar>(TransformerModel<TScalar> model)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        ArgumentNullException.ThrowIfNull(model);
        using var circuits = new GroupedCircuits<TScalar>(model.Weights, model.W_E.Backend);
        using var chain = circuits.FullOv();
        return chain.PlanEigenvalues();
    }

    /// <summary>Sorted eigenvalues <c>[L][H][m]</c> and copying scores <c>Σλ.real / Σ|λ|</c> <c>[L][H]</c>.</summary>
    private static (EigenvalueTable Eigenvalues, double[][] Scores) Spectrum<TScalar>(Func<ComplexTensor<TScalar>> eigenvalues, int layers, int heads)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        using var eigen = eigenvalues();
        double[] real = HostDouble.From(eigen.Real), imaginary = HostDouble.From(eigen.Imaginary);
        double[] scores = CopyingScore.Of(real, imaginary, real.Length / (layers * heads));

        var table = new EigenvalueTable(Jagged(real, layers, heads), Jagged(imaginary, layers, heads));
        return (table, Grid(scores, layers, heads));
    }

    /// <summary>
    /// The <paramref name="options"/>' top tokens of the heads with the highest finite full OV copying scores (ties to the
    /// earlier head): the largest entries of each head's full OV diagonal, ties to the lower token id.
    /// </summary>
    private static List<HeadTokens> TopTokens<TScalar>(GroupedCircuits<TScalar> circuits, double[][] fullScores, CircuitAnalysisOptions options, Action<double> report)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        int heads = fullScores[0].Length;
        var chosen = fullScores.SelectMany((row, layer) => row.Select((score, head) => (Layer: layer, Head: head, Score: score)))
            .Where(x => double.IsFinite(x.Score))
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Layer * heads + x.Head)
            .Take(options.TopTokenHeads)
            .ToArray();
        var result = new List<HeadTokens>(chosen.Length);
        foreach (var (layer, head, score) in chosen)
        {
            // wV and wO are [L, KV, G, …]: query head h is (h / G, h % G).
            int group = circuits.WO.Dim(2);
            using var headV = circuits.WV.Index(TensorIndex.At(layer), TensorIndex.At(head / group), TensorIndex.At(head % group));
            using var headO = circuits.WO.Index(TensorIndex.At(layer), TensorIndex.At(head / group), TensorIndex.At(head % group));
            using var chain = circuits.FullOv(headV, headO);
            using var diagonal = chain.Diagonal();
            double[] values = HostDouble.From(diagonal);
            int[] tokens = [.. Enumerable.Range(0, values.Length)
                .Where(t => !double.IsNaN(values[t]))
                .OrderByDescending(t => values[t])
                .ThenBy(t => t)
                .Take(options.TopK)];
            result.Add(new HeadTokens(layer, head, score, tokens, options.Vocabulary is { } vocabulary ? [.. tokens.Select(t => vocabulary.Decode(t))] : null, [.. tokens.Select(t => values[t])]));
            report((double)result.Count / chosen.Length);
        }

        return result;
    }

    /// <summary>Row-major <c>[layers, heads, n]</c> as <c>[layers][heads][n]</c>.</summary>
    private static double[][][] Jagged(double[] flat, int layers, int heads)
    {
        int n = flat.Length / (layers * heads);
        return [.. Enumerable.Range(0, layers).Select(l => Enumerable.Range(0, heads).Select(h => flat.AsSpan((l * heads + h) * n, n).ToArray()).ToArray())];
    }

    /// <summary>Row-major <c>[layers, heads]</c> as <c>[layers][heads]</c>.</summary>
    private static double[][] Grid(double[] flat, int layers, int heads) =>
        [.. Enumerable.Range(0, layers).Select(l => flat.AsSpan(l * heads, heads).ToArray())];
}
