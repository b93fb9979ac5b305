using System.Numerics;

namespace FactoredGpu.Models;

/// <summary>
/// The MLP weights of every block of a GPT-2 model, with TransformerLens's names and shapes. Circuit analysis does
/// not read them; weight processing folds <c>ln2</c> into them and centres their output.
/// </summary>
/// <typeparam name="TScalar">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>The object owns the four tensors and disposes them.</remarks>
public sealed class Gpt2Mlp<TScalar> : IDisposable
    where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
{
    /// <summary>Wraps the MLP tensors of all layers; the new object owns them.</summary>
    /// <param name="wIn">TransformerLens <c>W_in</c> <c>[L, d, d_mlp]</c>.</param>
    /// <param name="bIn">TransformerLens <c>b_in</c> <c>[L, d_mlp]</c>.</param>
    /// <param name="wOut">TransformerLens <c>W_out</c> <c>[L, d_mlp, d]</c>.</param>
    /// <param name="bOut">TransformerLens <c>b_out</c> <c>[L, d]</c>.</param>
    /// <exception cref="ArgumentException">A tensor's shape disagrees with <paramref name="wIn"/>; the message names the tensor, the expected and the actual shape.</exception>
    public Gpt2Mlp(StridedTensor<TScalar> wIn, StridedTensor<TScalar> bIn, StridedTensor<TScalar> wOut, StridedTensor<TScalar> bOut)
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
        Gpt2Weights<TScalar>.RequireShape("b_in", bIn, [layers, dMlp]);
        Gpt2Weights<TScalar>.RequireShape("W_out", wOut, [layers, dMlp, dModel]);
        Gpt2Weights<TScalar>.RequireShape("b_out", bOut, [layers, dModel]);
        (WIn, BIn, WOut, BOut) = (wIn, bIn, wOut, bOut);
    }

    /// <summary>TransformerLens <c>W_in</c> <c>[L, d, d_mlp]</c>: the MLP input weights (Hugging Face <c>mlp.c_fc.weight</c>).</summary>
    public StridedTensor<TScalar> WIn { get; }

    /// <summary>TransformerLens <c>b_in</c> <c>[L, d_mlp]</c>.</summary>
    public StridedTensor<TScalar> BIn { get; }

    /// <summary>TransformerLens <c>W_out</c> <c>[L, d_mlp, d]</c>: the MLP output weights (Hugging Face <c>mlp.c_proj.weight</c>).</summary>
    public StridedTensor<TScalar> WOut { get; }

    /// <summary>TransformerLens <c>b_out</c> <c>[L, d]</c>.</summary>
    public StridedTensor<TScalar> BOut { get; }

    /// <summary>The MLP hidden width <c>d_mlp</c> (<c>4·d</c> for GPT-2).</summary>
    public int DMlp => WIn.Dim(2);

    /// <summary>Releases the four tensors.</summary>
    public void Dispose()
    {
        WIn.Dispose();
        BIn.Dispose();
        WOut.Dispose();
        BOut.Dispose();
    }
}
