using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace FactoredGpu.Models;

/// <summary>
/// A transformer of any supported family with TransformerLens's <c>HookedTransformer</c> names, so that code reads as
/// it does in TransformerLens: <c>model.OV</c>, <c>model.QK</c>, and <c>model.W_E * model.OV * model.W_U</c> for the
/// full OV circuit (kept factored and lazy).
/// </summary>
/// <typeparam name="TScalar">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>Per-head tensors are <c>[L, H, …]</c> over query heads, as TransformerLens's properties are. With grouped-query
/// attention <see cref="W_K"/>, <see cref="W_V"/>, <see cref="b_K"/> and <see cref="b_V"/> follow TransformerLens's
/// <c>repeat_interleave</c>: query head <c>h</c> gets key/value head <c>h / (H / KV)</c>. Like TransformerLens's they are
/// copies then (made once, on first use); the un-repeated tensors are <see cref="Weights"/>' <c>WK</c> and <c>WV</c>,
/// and <see cref="Circuits.CircuitAnalysis"/> works from those without repeating them.</para>
/// <para>Create one with <see cref="TransformerModel.Load{TScalar}"/> or <see cref="TransformerModel.Synthetic{TScalar}"/>.
/// The model owns its weights and every tensor and circuit it hands out; disposing it releases them.</para>
/// </remarks>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "TransformerLens's names (W_E, W_Q, b_U, …) are the vocabulary of the users of this type.")]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "TransformerLens's names (W_E, W_Q, b_U, …) are the vocabulary of the users of this type.")]
public sealed class TransformerModel<TScalar> : IDisposable
    where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
{
    private readonly Lazy<StridedTensor<TScalar>> _wK, _wV, _bK, _bV;
    private readonly Lazy<FactoredMatrix<TScalar>> _ov, _qk;
    private readonly Lazy<StridedTensor<TScalar>> _wKt;

    /// <summary>Wraps <paramref name="weights"/>; the model owns them from now on.</summary>
    /// <param name="weights">The weights, processed or not.</param>
    public TransformerModel(TransformerWeights<TScalar> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Weights = weights;
        int group = weights.Config.QueryGroup;
        _wK = new(() => QueryGroups.Repeat(weights.WK, group));
        _wV = new(() => QueryGroups.Repeat(weights.WV, group));
        _bK = new(() => QueryGroups.Repeat(weights.BK, group));
        _bV = new(() => QueryGroups.Repeat(weights.BV, group));
        _wKt = new(() => W_K.Transpose());
        _ov = new(() => new FactoredMatrix<TScalar>(W_V, W_O));
        _qk = new(() => new FactoredMatrix<TScalar>(W_Q, _wKt.Value));
    }

    /// <summary>The model's sizes, architecture and normalization kind.</summary>
    public ModelConfig Config => Weights.Config;

    /// <summary>The weights in TransformerLens's stored form (grouped-query key/value heads un-repeated).</summary>
    public TransformerWeights<TScalar> Weights { get; }

    /// <summary>TransformerLens <c>W_E</c> <c>[V, d]</c>: the token embedding.</summary>
    public StridedTensor<TScalar> W_E => Weights.WE;

    /// <summary>TransformerLens <c>W_pos</c> <c>[P, d]</c>, or <see langword="null"/> for a rotary family.</summary>
    public StridedTensor<TScalar>? W_pos => Weights.WPos;

    /// <summary>TransformerLens <c>W_U</c> <c>[d, V]</c>: the unembedding.</summary>
    public StridedTensor<TScalar> W_U => Weights.WU;

    /// <summary>TransformerLens <c>b_U</c> <c>[V]</c>.</summary>
    public StridedTensor<TScalar> b_U => Weights.BU;

    /// <summary>TransformerLens <c>W_Q</c> <c>[L, H, d, dh]</c>.</summary>
    public StridedTensor<TScalar> W_Q => Weights.WQ;

    /// <summary>TransformerLens <c>W_K</c> <c>[L, H, d, dh]</c>, repeated over the query heads of each key/value group.</summary>
    public StridedTensor<TScalar> W_K => _wK.Value;

    /// <summary>TransformerLens <c>W_V</c> <c>[L, H, d, dh]</c>, repeated over the query heads of each key/value group.</summary>
    public StridedTensor<TScalar> W_V => _wV.Value;

    /// <summary>TransformerLens <c>W_O</c> <c>[L, H, dh, d]</c>.</summary>
    public StridedTensor<TScalar> W_O => Weights.WO;

    /// <summary>TransformerLens <c>b_Q</c> <c>[L, H, dh]</c>.</summary>
    public StridedTensor<TScalar> b_Q => Weights.BQ;

    /// <summary>TransformerLens <c>b_K</c> <c>[L, H, dh]</c>, repeated over each key/value group.</summary>
    public StridedTensor<TScalar> b_K => _bK.Value;

    /// <summary>TransformerLens <c>b_V</c> <c>[L, H, dh]</c>, repeated over each key/value group.</summary>
    public StridedTensor<TScalar> b_V => _bV.Value;

    /// <summary>TransformerLens <c>b_O</c> <c>[L, d]</c>.</summary>
    public StridedTensor<TScalar> b_O => Weights.BO;

    /// <summary>TransformerLens <c>OV</c>: <c>FactoredMatrix(W_V, W_O)</c>, <c>[L, H, d, d]</c> with hidden dimension <c>dh</c>.</summary>
    public FactoredMatrix<TScalar> OV => _ov.Value;

    /// <summary>TransformerLens <c>QK</c>: <c>FactoredMatrix(W_Q, W_Kᵀ)</c>, <c>[L, H, d, d]</c> with hidden dimension <c>dh</c>.</summary>
    public FactoredMatrix<TScalar> QK => _qk.Value;

    /// <summary>The number of transformer blocks <c>L</c>.</summary>
    public int NLayers => Config.NLayers;

    /// <summary>The number of query heads per block <c>H</c>.</summary>
    public int NHeads => Config.NHeads;

    /// <summary>Releases the weights and everything made from them.</summary>
    public void Dispose()
    {
        foreach (var lazy in new[] { _ov, _qk })
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value.Dispose();
            }
        }

        foreach (var lazy in new[] { _wKt, _wK, _wV, _bK, _bV })
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value.Dispose();
            }
        }

        Weights.Dispose();
    }
}
