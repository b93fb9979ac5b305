using System.Numerics;

namespace FactoredGpu.Models;

/// <summary>
/// A processed unembedding tied to the embedding, kept as structure: <c>W_U = P_d·diag(g)·Xᵀ·P_V</c> for LayerNorm
/// families (<c>P_d</c> omitted for RMSNorm), with <c>X [V, d]</c> the raw (unprocessed) embedding, <c>g [d]</c> the
/// folded final-norm scale and <c>P_n = I − 11ᵀ/n</c> the centring projections of TransformerLens's
/// <c>center_writing_weights</c> and <c>center_unembed</c>. The processed <c>W_E</c> is <c>X·P_d</c> (LayerNorm) or <c>X</c>.
/// </summary>
/// <typeparam name="TScalar">The element type.</typeparam>
/// <remarks>
/// No <c>[d, V]</c> matrix exists: <see cref="TransformerWeights{TScalar}.WU"/> is formed only when read. The full OV
/// circuit's shared factor then reads <c>W_U·W_E = P_d·diag(g)·(Xᵀ·P_V·X)·P_d</c>, a symmetric Gram product (half a
/// GEMM's work) plus <c>O(d²)</c> corrections (<see cref="ChainPlanner"/>).
/// </remarks>
public sealed class TiedUnembedding<TScalar> : IDisposable
    where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
{
    /// <summary>Holds views of <paramref name="embedding"/> and <paramref name="scale"/>; the caller keeps its own.</summary>
    /// <param name="embedding">The raw embedding <c>X [V, d]</c>.</param>
    /// <param name="scale">The folded final-norm scale <c>g [d]</c> (TransformerLens <c>ln_final.w</c> before folding).</param>
    /// <param name="centredModel">Whether the residual stream is centred (LayerNorm): <c>P_d</c> on both sides.</param>
    /// <exception cref="ArgumentException">The shapes are not <c>[V, d]</c> and <c>[d]</c>.</exception>
    public TiedUnembedding(StridedTensor<TScalar> embedding, StridedTensor<TScalar> scale, bool centredModel)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentNullException.ThrowIfNull(scale);
        if (embedding.Rank != 2 || scale.Rank != 1 || scale.Dim(0) != embedding.Dim(1))
        {
            throw new ArgumentException($"A tied unembedding needs an embedding [V, d] and a scale [d]; shapes were {Shapes.Format(embedding.Shape)} and {Shapes.Format(scale.Shape)}.", nameof(embedding));
        }

        Embedding = embedding.BroadcastTo(embedding.Shape.ToArray());
        Scale = scale.BroadcastTo(scale.Shape.ToArray());
        CentredModel = centredModel;
    }

    /// <summary>The raw embedding <c>X [V, d]</c>.</summary>
    public StridedTensor<TScalar> Embedding { get; }

    /// <summary>The folded final-norm scale <c>g [d]</c>.</summary>
    public StridedTensor<TScalar> Scale { get; }

    /// <summary>Whether <c>P_d</c> appears (LayerNorm families: TransformerLens centres the writing weights).</summary>
    public bool CentredModel { get; }

    /// <summary>Releases the views.</summary>
    public void Dispose()
    {
        Embedding.Dispose();
        Scale.Dispose();
    }
}
