using System.Numerics;

namespace FactoredGpu.Models;

/// <summary>
/// The weights of a GPT-2 model as TransformerLens's <c>HookedTransformer</c> exposes them: per-head attention
/// matrices stacked over <c>[layers, heads]</c>, the embedding, the unembedding, layer-norm parameters, and optionally
/// the MLPs. Dimensions: <c>L</c> layers, <c>H</c> heads of width <c>dh</c>, residual width <c>d</c>, vocabulary
/// <c>V</c>, context <c>P</c>.
/// </summary>
/// <typeparam name="TScalar">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// The object owns every tensor it holds and disposes them. The tensors are usually on the host;
/// <see cref="Circuits.CircuitAnalysis"/> moves what it needs to the backend it runs on.
/// </remarks>
public sealed class Gpt2Weights<TScalar> : IDisposable
    where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
{
    /// <summary>Wraps a model's tensors, checking every shape against <paramref name="wQ"/>, <paramref name="wE"/> and <paramref name="wPos"/>; the new object owns them all.</summary>
    /// <param name="wE">TransformerLens <c>W_E</c> <c>[V, d]</c>, the token embedding.</param>
    /// <param name="wPos">TransformerLens <c>W_pos</c> <c>[P, d]</c>, the position embedding.</param>
    /// <param name="wQ">TransformerLens <c>W_Q</c> <c>[L, H, d, dh]</c>; it fixes <c>L</c>, <c>H</c>, <c>d</c> and <c>dh</c>.</param>
    /// <param name="wK">TransformerLens <c>W_K</c> <c>[L, H, d, dh]</c>.</param>
    /// <param name="wV">TransformerLens <c>W_V</c> <c>[L, H, d, dh]</c>.</param>
    /// <param name="wO">TransformerLens <c>W_O</c> <c>[L, H, dh, d]</c>.</param>
    /// <param name="bQ">TransformerLens <c>b_Q</c> <c>[L, H, dh]</c>.</param>
    /// <param name="bK">TransformerLens <c>b_K</c> <c>[L, H, dh]</c>.</param>
    /// <param name="bV">TransformerLens <c>b_V</c> <c>[L, H, dh]</c>.</param>
    /// <param name="bO">TransformerLens <c>b_O</c> <c>[L, d]</c>.</param>
    /// <param name="ln1W">TransformerLens <c>ln1.w</c> of every block, <c>[L, d]</c>.</param>
    /// <param name="ln1B">TransformerLens <c>ln1.b</c> of every block, <c>[L, d]</c>.</param>
    /// <param name="ln2W">TransformerLens <c>ln2.w</c> of every block, <c>[L, d]</c>.</param>
    /// <param name="ln2B">TransformerLens <c>ln2.b</c> of every block, <c>[L, d]</c>.</param>
    /// <param name="lnFinalW">TransformerLens <c>ln_final.w</c> <c>[d]</c>.</param>
    /// <param name="lnFinalB">TransformerLens <c>ln_final.b</c> <c>[d]</c>.</param>
    /// <param name="wU">TransformerLens <c>W_U</c> <c>[d, V]</c>, the unembedding.</param>
    /// <param name="bU">TransformerLens <c>b_U</c> <c>[V]</c>.</param>
    /// <param name="mlp">The MLP weights, or <see langword="null"/> for a model without them (circuits do not need them).</param>
    /// <exception cref="ArgumentException">
    /// A tensor's shape disagrees with the dimensions; the message names the tensor (TransformerLens name), the expected
    /// and the actual shape.
    /// </exception>
    public Gpt2Weights(
        StridedTensor<TScalar> wE,
        StridedTensor<TScalar> wPos,
        StridedTensor<TScalar> wQ,
        StridedTensor<TScalar> wK,
        StridedTensor<TScalar> wV,
        StridedTensor<TScalar> wO,
        StridedTensor<TScalar> bQ,
        StridedTensor<TScalar> bK,
        StridedTensor<TScalar> bV,
        StridedTensor<TScalar> bO,
        StridedTensor<TScalar> ln1W,
        StridedTensor<TScalar> ln1B,
        StridedTensor<TScalar> ln2W,
        StridedTensor<TScalar> ln2B,
        StridedTensor<TScalar> lnFinalW,
        StridedTensor<TScalar> lnFinalB,
        StridedTensor<TScalar> wU,
        StridedTensor<TScalar> bU,
        Gpt2Mlp<TScalar>? mlp)
    {
        StridedTensor<TScalar>[] all = [wE, wPos, wQ, wK, wV, wO, bQ, bK, bV, bO, ln1W, ln1B, ln2W, ln2B, lnFinalW, lnFinalB, wU, bU];
        if (all.Any(t => t is null))
        {
            throw new ArgumentNullException(nameof(wE), "A GPT-2 weight tensor is null.");
        }

        if (wQ.Rank != 4 || wE.Rank != 2 || wPos.Rank != 2)
        {
            throw new ArgumentException(
                $"W_Q must be [n_layers, n_heads, d_model, d_head], W_E [d_vocab, d_model] and W_pos [n_ctx, d_model]; shapes were W_Q: {Shapes.Format(wQ.Shape)}, W_E: {Shapes.Format(wE.Shape)}, W_pos: {Shapes.Format(wPos.Shape)}.");
        }

        int l = wQ.Dim(0), h = wQ.Dim(1), d = wQ.Dim(2), dh = wQ.Dim(3), v = wE.Dim(0);
        RequireShape("W_E", wE, [v, d]);
        RequireShape("W_pos", wPos, [wPos.Dim(0), d]);
        RequireShape("W_K", wK, [l, h, d, dh]);
        RequireShape("W_V", wV, [l, h, d, dh]);
        RequireShape("W_O", wO, [l, h, dh, d]);
        RequireShape("b_Q", bQ, [l, h, dh]);
        RequireShape("b_K", bK, [l, h, dh]);
        RequireShape("b_V", bV, [l, h, dh]);
        RequireShape("b_O", bO, [l, d]);
        RequireShape("ln1.w", ln1W, [l, d]);
        RequireShape("ln1.b", ln1B, [l, d]);
        RequireShape("ln2.w", ln2W, [l, d]);
        RequireShape("ln2.b", ln2B, [l, d]);
        RequireShape("ln_final.w", lnFinalW, [d]);
        RequireShape("ln_final.b", lnFinalB, [d]);
        RequireShape("W_U", wU, [d, v]);
        RequireShape("b_U", bU, [v]);
        if (mlp is not null)
        {
            RequireShape("W_in", mlp.WIn, [l, d, mlp.DMlp]);
        }

        (WE, WPos, WQ, WK, WV, WO, BQ, BK, BV, BO) = (wE, wPos, wQ, wK, wV, wO, bQ, bK, bV, bO);
        (Ln1W, Ln1B, Ln2W, Ln2B, LnFinalW, LnFinalB, WU, BU, Mlp) = (ln1W, ln1B, ln2W, ln2B, lnFinalW, lnFinalB, wU, bU, mlp);
    }

    /// <summary>TransformerLens <c>W_E</c> <c>[V, d]</c>: the token embedding.</summary>
    public StridedTensor<TScalar> WE { get; }

    /// <summary>TransformerLens <c>W_pos</c> <c>[P, d]</c>: the position embedding.</summary>
    public StridedTensor<TScalar> WPos { get; }

    /// <summary>TransformerLens <c>W_Q</c> <c>[L, H, d, dh]</c>: the query weights of every head.</summary>
    public StridedTensor<TScalar> WQ { get; }

    /// <summary>TransformerLens <c>W_K</c> <c>[L, H, d, dh]</c>: the key weights of every head.</summary>
    public StridedTensor<TScalar> WK { get; }

    /// <summary>TransformerLens <c>W_V</c> <c>[L, H, d, dh]</c>: the value weights of every head.</summary>
    public StridedTensor<TScalar> WV { get; }

    /// <summary>TransformerLens <c>W_O</c> <c>[L, H, dh, d]</c>: the output weights of every head.</summary>
    public StridedTensor<TScalar> WO { get; }

    /// <summary>TransformerLens <c>b_Q</c> <c>[L, H, dh]</c>.</summary>
    public StridedTensor<TScalar> BQ { get; }

    /// <summary>TransformerLens <c>b_K</c> <c>[L, H, dh]</c>.</summary>
    public StridedTensor<TScalar> BK { get; }

    /// <summary>TransformerLens <c>b_V</c> <c>[L, H, dh]</c>.</summary>
    public StridedTensor<TScalar> BV { get; }

    /// <summary>TransformerLens <c>b_O</c> <c>[L, d]</c>.</summary>
    public StridedTensor<TScalar> BO { get; }

    /// <summary>TransformerLens <c>blocks.{i}.ln1.w</c>, stacked <c>[L, d]</c>.</summary>
    public StridedTensor<TScalar> Ln1W { get; }

    /// <summary>TransformerLens <c>blocks.{i}.ln1.b</c>, stacked <c>[L, d]</c>.</summary>
    public StridedTensor<TScalar> Ln1B { get; }

    /// <summary>TransformerLens <c>blocks.{i}.ln2.w</c>, stacked <c>[L, d]</c>.</summary>
    public StridedTensor<TScalar> Ln2W { get; }

    /// <summary>TransformerLens <c>blocks.{i}.ln2.b</c>, stacked <c>[L, d]</c>.</summary>
    public StridedTensor<TScalar> Ln2B { get; }

    /// <summary>TransformerLens <c>ln_final.w</c> <c>[d]</c>.</summary>
    public StridedTensor<TScalar> LnFinalW { get; }

    /// <summary>TransformerLens <c>ln_final.b</c> <c>[d]</c>.</summary>
    public StridedTensor<TScalar> LnFinalB { get; }

    /// <summary>TransformerLens <c>W_U</c> <c>[d, V]</c>: the unembedding.</summary>
    public StridedTensor<TScalar> WU { get; }

    /// <summary>TransformerLens <c>b_U</c> <c>[V]</c>.</summary>
    public StridedTensor<TScalar> BU { get; }

    /// <summary>The MLP weights, or <see langword="null"/> when the model has none (the synthetic model).</summary>
    public Gpt2Mlp<TScalar>? Mlp { get; }

    /// <summary>The number of transformer blocks <c>L</c>.</summary>
    public int NLayers => WQ.Dim(0);

    /// <summary>The number of attention heads per block <c>H</c>.</summary>
    public int NHeads => WQ.Dim(1);

    /// <summary>The residual stream width <c>d</c>.</summary>
    public int DModel => WQ.Dim(2);

    /// <summary>The width of one head <c>dh</c>.</summary>
    public int DHead => WQ.Dim(3);

    /// <summary>The vocabulary size <c>V</c>.</summary>
    public int DVocab => WE.Dim(0);

    /// <summary>The context length <c>P</c> (rows of <see cref="WPos"/>).</summary>
    public int NCtx => WPos.Dim(0);

    /// <summary>Releases every tensor.</summary>
    public void Dispose()
    {
        foreach (var tensor in new[] { WE, WPos, WQ, WK, WV, WO, BQ, BK, BV, BO, Ln1W, Ln1B, Ln2W, Ln2B, LnFinalW, LnFinalB, WU, BU })
        {
            tensor.Dispose();
        }

        Mlp?.Dispose();
    }

    /// <summary>Throws unless <paramref name="tensor"/> has shape <paramref name="expected"/>, naming the tensor and both shapes.</summary>
    internal static void RequireShape(string name, StridedTensor<TScalar> tensor, int[] expected)
    {
        if (!tensor.Shape.SequenceEqual(expected))
        {
            throw new ArgumentException($"GPT-2 weight {name} must have shape {Shapes.Format(expected)}; its shape was {Shapes.Format(tensor.Shape)}.");
        }
    }
}
