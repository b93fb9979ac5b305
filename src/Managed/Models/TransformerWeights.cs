using System.Numerics;

namespace FactoredGpu.Models;

/// <summary>
/// The weights of a transformer of any supported family in TransformerLens's <c>HookedTransformer</c> view: per-head
/// attention matrices stacked over layers, the embeddings, the unembedding, the normalization parameters and optionally
/// the MLPs. Dimensions (from <see cref="Config"/>): <c>L</c> layers, <c>H</c> query heads and <c>KV</c> key/value heads
/// of width <c>dh</c>, residual width <c>d</c>, vocabulary <c>V</c>.
/// </summary>
/// <typeparam name="TScalar">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>Grouped-query attention is stored un-repeated, as TransformerLens's <c>_W_K</c>, <c>_W_V</c>, <c>_b_K</c>,
/// <c>_b_V</c>: <see cref="WK"/> is <c>[L, KV, d, dh]</c>, and query head <c>h</c> uses key/value head
/// <c>h / (H / KV)</c> (<c>repeat_interleave</c>). <see cref="TransformerModel{TScalar}"/> exposes them per query head.</para>
/// <para>The object owns every tensor it holds and disposes them. The tensors are usually on the host;
/// <see cref="Circuits.CircuitAnalysis"/> moves what it needs to the backend it runs on.</para>
/// </remarks>
public sealed class TransformerWeights<TScalar> : IDisposable
    where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
{
    private readonly Lazy<StridedTensor<TScalar>> _wU;

    /// <summary>Wraps a model's tensors, checking every shape against <paramref name="config"/>; the new object owns them all.</summary>
    /// <param name="config">The model's sizes and normalization kind.</param>
    /// <param name="wE">TransformerLens <c>W_E</c> <c>[V, d]</c>, the token embedding.</param>
    /// <param name="wPos">TransformerLens <c>W_pos</c> <c>[P, d]</c>, the learned position embedding, or <see langword="null"/> (rotary families).</param>
    /// <param name="wQ">TransformerLens <c>W_Q</c> <c>[L, H, d, dh]</c>.</param>
    /// <param name="wK">TransformerLens <c>_W_K</c> <c>[L, KV, d, dh]</c> (un-repeated).</param>
    /// <param name="wV">TransformerLens <c>_W_V</c> <c>[L, KV, d, dh]</c> (un-repeated).</param>
    /// <param name="wO">TransformerLens <c>W_O</c> <c>[L, H, dh, d]</c>.</param>
    /// <param name="bQ">TransformerLens <c>b_Q</c> <c>[L, H, dh]</c>.</param>
    /// <param name="bK">TransformerLens <c>_b_K</c> <c>[L, KV, dh]</c>.</param>
    /// <param name="bV">TransformerLens <c>_b_V</c> <c>[L, KV, dh]</c>.</param>
    /// <param name="bO">TransformerLens <c>b_O</c> <c>[L, d]</c>.</param>
    /// <param name="ln1W">TransformerLens <c>ln1.w</c> of every block, <c>[L, d]</c>.</param>
    /// <param name="ln1B">TransformerLens <c>ln1.b</c> <c>[L, d]</c> (LayerNorm), or <see langword="null"/> (RMSNorm).</param>
    /// <param name="ln2W">TransformerLens <c>ln2.w</c> <c>[L, d]</c>, or <see langword="null"/> when the MLPs were not loaded.</param>
    /// <param name="ln2B">TransformerLens <c>ln2.b</c> <c>[L, d]</c>, or <see langword="null"/> (RMSNorm, or no MLPs).</param>
    /// <param name="lnFinalW">TransformerLens <c>ln_final.w</c> <c>[d]</c>.</param>
    /// <param name="lnFinalB">TransformerLens <c>ln_final.b</c> <c>[d]</c> (LayerNorm), or <see langword="null"/> (RMSNorm).</param>
    /// <param name="wU">
    /// TransformerLens <c>W_U</c> <c>[d, V]</c>, the unembedding (a transposed view of <paramref name="wE"/> when tied), or
    /// <see langword="null"/> when <paramref name="tie"/> describes it.
    /// </param>
    /// <param name="bU">TransformerLens <c>b_U</c> <c>[V]</c>.</param>
    /// <param name="mlp">The MLP weights, or <see langword="null"/> (circuits do not need them).</param>
    /// <param name="tie">A processed unembedding kept as structure over the embedding (then <paramref name="wU"/> is null), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">
    /// A tensor's shape disagrees with the configuration, or a bias is present or missing against the norm kind; the
    /// message names the tensor (TransformerLens name), the expected and the actual shape.
    /// </exception>
    public TransformerWeights(
        ModelConfig config,
        StridedTensor<TScalar> wE,
        StridedTensor<TScalar>? wPos,
        StridedTensor<TScalar> wQ,
        StridedTensor<TScalar> wK,
        StridedTensor<TScalar> wV,
        StridedTensor<TScalar> wO,
        StridedTensor<TScalar> bQ,
        StridedTensor<TScalar> bK,
        StridedTensor<TScalar> bV,
        StridedTensor<TScalar> bO,
        StridedTensor<TScalar> ln1W,
        StridedTensor<TScalar>? ln1B,
        StridedTensor<TScalar>? ln2W,
        StridedTensor<TScalar>? ln2B,
        StridedTensor<TScalar> lnFinalW,
        StridedTensor<TScalar>? lnFinalB,
        StridedTensor<TScalar>? wU,
        StridedTensor<TScalar> bU,
        MlpWeights<TScalar>? mlp,
        TiedUnembedding<TScalar>? tie = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        StridedTensor<TScalar>[] required = [wE, wQ, wK, wV, wO, bQ, bK, bV, bO, ln1W, lnFinalW, bU];

        if (required.Any(t => t is null))
        {
            throw new ArgumentNullException(nameof(wE), "A required weight tensor is null.");
        }

        if ((wU is null) == (tie is null))
        {
            throw wU is null
                ? new ArgumentNullException(nameof(wU), "W_U is null and no tied structure was given.")
                : new ArgumentException("W_U and a tied structure were both given; give one.", nameof(tie));
        }

        int l = config.NLayers, h = config.NHeads, kv = config.NKeyValueHeads, d = config.DModel, dh = config.DHead, v = config.DVocab;
        RequireShape("W_E", wE, [v, d]);
        if (wPos is not null)
        {
            RequireShape("W_pos", wPos, [wPos.Rank == 2 ? wPos.Dim(0) : -1, d]);
        }

        RequireShape("W_Q", wQ, [l, h, d, dh]);
        RequireShape("_W_K", wK, [l, kv, d, dh]);
        RequireShape("_W_V", wV, [l, kv, d, dh]);
        RequireShape("W_O", wO, [l, h, dh, d]);
        RequireShape("b_Q", bQ, [l, h, dh]);
        RequireShape("_b_K", bK, [l, kv, dh]);
        RequireShape("_b_V", bV, [l, kv, dh]);
        RequireShape("b_O", bO, [l, d]);
        RequireShape("ln1.w", ln1W, [l, d]);
        RequireShape("ln_final.w", lnFinalW, [d]);
        if (wU is not null)
        {
            RequireShape("W_U", wU, [d, v]);
        }
        else
        {
            RequireShape("tied W_E", tie!.Embedding, [v, d]);
        }

        RequireShape("b_U", bU, [v]);
        bool layerNorm = config.Norm == NormKind.LayerNorm;
        foreach (var (name, bias, shape) in new[] { ("ln1.b", ln1B, new[] { l, d }), ("ln_final.b", lnFinalB, [d]) })
        {
            if ((bias is null) == layerNorm)
            {
                throw new ArgumentException($"{name} must be {(layerNorm ? "given for a LayerNorm model" : "null for an RMSNorm model")}.", nameof(config));
            }

            if (bias is not null)
            {
                RequireShape(name, bias, shape);
            }
        }

        if (ln2W is not null)
        {
            RequireShape("ln2.w", ln2W, [l, d]);
        }

        if (ln2B is not null)
        {
            RequireShape("ln2.b", ln2B, [l, d]);
        }

        if (mlp is not null)
        {
            RequireShape("W_in", mlp.WIn, [l, d, mlp.DMlp]);
            if (ln2W is null || (ln2B is null) == layerNorm)
            {
                throw new ArgumentException("A model with MLP weights needs ln2.w (and ln2.b for LayerNorm).", nameof(mlp));
            }
        }

        Config = config;
        (WE, WPos, WQ, WK, WV, WO, BQ, BK, BV, BO) = (wE, wPos, wQ, wK, wV, wO, bQ, bK, bV, bO);
        (Ln1W, Ln1B, Ln2W, Ln2B, LnFinalW, LnFinalB, BU, Mlp, Tie) = (ln1W, ln1B, ln2W, ln2B, lnFinalW, lnFinalB, bU, mlp, tie);
        _wU = wU is not null ? new(wU) : new(() => WeightProcessing.Unembedding(tie!));
    }

    /// <summary>The sizes and settings of the model.</summary>
    public ModelConfig Config { get; }

    /// <summary>TransformerLens <c>W_E</c> <c>[V, d]</c>: the token embedding.</summary>
    public StridedTensor<TScalar> WE { get; }

    /// <summary>TransformerLens <c>W_pos</c> <c>[P, d]</c>: the learned position embedding, or <see langword="null"/> for a rotary family.</summary>
    public StridedTensor<TScalar>? WPos { get; }

    /// <summary>TransformerLens <c>W_Q</c> <c>[L, H, d, dh]</c>: the query weights of every head.</summary>
    public StridedTensor<TScalar> WQ { get; }

    /// <summary>TransformerLens <c>_W_K</c> <c>[L, KV, d, dh]</c>: the key weights of every key/value head (un-repeated).</summary>
    public StridedTensor<TScalar> WK { get; }

    /// <summary>TransformerLens <c>_W_V</c> <c>[L, KV, d, dh]</c>: the value weights of every key/value head (un-repeated).</summary>
    public StridedTensor<TScalar> WV { get; }

    /// <summary>TransformerLens <c>W_O</c> <c>[L, H, dh, d]</c>: the output weights of every head.</summary>
    public StridedTensor<TScalar> WO { get; }

    /// <summary>TransformerLens <c>b_Q</c> <c>[L, H, dh]</c>.</summary>
    public StridedTensor<TScalar> BQ { get; }

    /// <summary>TransformerLens <c>_b_K</c> <c>[L, KV, dh]</c>.</summary>
    public StridedTensor<TScalar> BK { get; }

    /// <summary>TransformerLens <c>_b_V</c> <c>[L, KV, dh]</c>.</summary>
    public StridedTensor<TScalar> BV { get; }

    /// <summary>TransformerLens <c>b_O</c> <c>[L, d]</c>.</summary>
    public StridedTensor<TScalar> BO { get; }

    /// <summary>TransformerLens <c>blocks.{i}.ln1.w</c>, stacked <c>[L, d]</c>.</summary>
    public StridedTensor<TScalar> Ln1W { get; }

    /// <summary>TransformerLens <c>blocks.{i}.ln1.b</c>, stacked <c>[L, d]</c>; <see langword="null"/> for RMSNorm.</summary>
    public StridedTensor<TScalar>? Ln1B { get; }

    /// <summary>TransformerLens <c>blocks.{i}.ln2.w</c>, stacked <c>[L, d]</c>; <see langword="null"/> when the MLPs were not loaded.</summary>
    public StridedTensor<TScalar>? Ln2W { get; }

    /// <summary>TransformerLens <c>blocks.{i}.ln2.b</c>, stacked <c>[L, d]</c>; <see langword="null"/> for RMSNorm or without MLPs.</summary>
    public StridedTensor<TScalar>? Ln2B { get; }

    /// <summary>TransformerLens <c>ln_final.w</c> <c>[d]</c>.</summary>
    public StridedTensor<TScalar> LnFinalW { get; }

    /// <summary>TransformerLens <c>ln_final.b</c> <c>[d]</c>; <see langword="null"/> for RMSNorm.</summary>
    public StridedTensor<TScalar>? LnFinalB { get; }

    /// <summary>TransformerLens <c>W_U</c> <c>[d, V]</c>: the unembedding; formed from <see cref="Tie"/> on first read when tied.</summary>
    public StridedTensor<TScalar> WU => _wU.Value;

    /// <summary>The processed unembedding as structure over the raw embedding, or <see langword="null"/> when <see cref="WU"/> is held as a matrix.</summary>
    public TiedUnembedding<TScalar>? Tie { get; }

    /// <summary>TransformerLens <c>b_U</c> <c>[V]</c>.</summary>
    public StridedTensor<TScalar> BU { get; }

    /// <summary>The MLP weights, or <see langword="null"/> when they were not loaded.</summary>
    public MlpWeights<TScalar>? Mlp { get; }

    /// <summary>The number of transformer blocks <c>L</c>.</summary>
    public int NLayers => Config.NLayers;

    /// <summary>The number of query heads per block <c>H</c>.</summary>
    public int NHeads => Config.NHeads;

    /// <summary>The residual stream width <c>d</c>.</summary>
    public int DModel => Config.DModel;

    /// <summary>The width of one head <c>dh</c>.</summary>
    public int DHead => Config.DHead;

    /// <summary>The vocabulary size <c>V</c>.</summary>
    public int DVocab => Config.DVocab;

    /// <summary>Releases every tensor.</summary>
    public void Dispose()
    {
        foreach (var tensor in new[] { WE, WPos, WQ, WK, WV, WO, BQ, BK, BV, BO, Ln1W, Ln1B, Ln2W, Ln2B, LnFinalW, LnFinalB, BU })
        {
            tensor?.Dispose();
        }

        if (_wU.IsValueCreated)
        {
            _wU.Value.Dispose();
        }

        Tie?.Dispose();
        Mlp?.Dispose();
    }

    /// <summary>Throws unless <paramref name="tensor"/> has shape <paramref name="expected"/>, naming the tensor and both shapes.</summary>
    internal static void RequireShape(string name, StridedTensor<TScalar> tensor, int[] expected)
    {
        if (!tensor.Shape.SequenceEqual(expected))
        {
            throw new ArgumentException($"Weight {name} must have shape {Shapes.Format(expected)}; its shape was {Shapes.Format(tensor.Shape)}.");
        }
    }
}
