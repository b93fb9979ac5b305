using System.Numerics;

namespace FactoredGpu.Models;

/// <summary>
/// The MLP weights of every block, with TransformerLens's names and shapes. Circuit analysis never reads them; weight
/// processing folds <c>ln2</c> into them and (LayerNorm models) centres their output.
/// </summary>
/// <typeparam name="TScalar">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>The object owns its tensors and disposes them.</remarks>
public sealed class MlpWeights<TScalar> : IDisposable
    where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
{
    /// <summary>Wraps the MLP tensors of all layers; the new object owns them.</summary>
    /// <param name="wIn">TransformerLens <c>W_in</c> <c>[L, d, d_mlp]</c>.</param>
    /// <param name="bIn">TransformerLens <c>b_in</c> <c>[L, d_mlp]</c>.</param>
    /// <param name="wOut">TransformerLens <c>W_out</c> <c>[L, d_mlp, d]</c>.</param>
    /// <param name="bOut">TransformerLens <c>b_out</c> <c>[L, d]</c>.</param>
    /// <param name="wGate">TransformerLens <c>W_gate</c> <c>[L, d, d_mlp]</c> of a gated MLP (Llama, Qwen2), else <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A tensor's shape disagrees with <paramref name="wIn"/>; the message names the tensor, the expected and the actual shape.</exception>
    public MlpWeights(StridedTensor<TScalar> wIn, StridedTensor<TScalar> bIn, StridedTensor<TScalar> wOut, StridedTensor<TScalar> bOut, StridedTensor<TScalar>? wGate = null)
    {
        ArgumentNullException.ThrowIfNull(wIn);
        ArgumentNullException.ThrowIfNull(bIn);
        ArgumentNullException.ThrowIfNull(wOut);
        ArgumentNullException.ThrowIfNull(bOut);
        if (wIn.Rank != 3)
        {
            throw new ArgumentException($"W_in must be [n_layers, d_model, d_mlp]; its shape was {Shapes.Format(wIn.Shape)}.", nameof(wIn));
        }

        int layers = wIn.Dim(0), dModel = wIn.Dim(1), dMlp = wIn.Dim(2);
        TransformerWeights<TScalar>.RequireShape("b_in", bIn, [layers, dMlp]);
        TransformerWeights<TScalar>.RequireShape("W_out", wOut, [layers, dMlp, dModel]);
        TransformerWeights<TScalar>.RequireShape("b_out", bOut, [layers, dModel]);
        if (wGate is not null)
        {
            TransformerWeights<TScalar>.RequireShape("W_gate", wGate, [layers, dModel, dMlp]);
        }

        (WIn, BIn, WOut, BOut, WGate) = (wIn, bIn, wOut, bOut, wGate);
    }

    /// <summary>TransformerLens <c>W_in</c> <c>[L, d, d_mlp]</c>: the MLP input weights.</summary>
    public StridedTensor<TScalar> WIn { get; }

    /// <summary>TransformerLens <c>b_in</c> <c>[L, d_mlp]</c>.</summary>
    public StridedTensor<TScalar> BIn { get; }

    /// <summary>TransformerLens <c>W_out</c> <c>[L, d_mlp, d]</c>: the MLP output weights.</summary>
    public StridedTensor<TScalar> WOut { get; }

    /// <summary>TransformerLens <c>b_out</c> <c>[L, d]</c>.</summary>
    public StridedTensor<TScalar> BOut { get; }

    /// <summary>TransformerLens <c>W_gate</c> <c>[L, d, d_mlp]</c> of a gated MLP, or <see langword="null"/>.</summary>
    public StridedTensor<TScalar>? WGate { get; }

    /// <summary>The MLP hidden width <c>d_mlp</c>.</summary>
    public int DMlp => WIn.Dim(2);

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        WIn.Dispose();
        BIn.Dispose();
        WOut.Dispose();
        BOut.Dispose();
        WGate?.Dispose();
    }
}
