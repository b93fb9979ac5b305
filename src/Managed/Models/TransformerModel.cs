using System.Numerics;

namespace FactoredGpu.Models;

/// <summary>Creates <see cref="TransformerModel{TScalar}"/>s: from a Hugging Face checkpoint, or the embedded synthetic GPT-2.</summary>
public static class TransformerModel
{
    /// <summary>
    /// Loads a checkpoint of any supported family (<see cref="ModelFamilies.SupportedArchitectures"/>) and, by default,
    /// applies TransformerLens's default weight processing, as <c>HookedTransformer.from_pretrained</c> does.
    /// </summary>
    /// <typeparam name="TScalar">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">A Hugging Face model folder, a shard index, or one <c>.safetensors</c> file (see <see cref="TransformerCheckpoint.Load{TScalar}"/>).</param>
    /// <param name="options">Heads for a GPT-2 file without a config, processing on or off, MLPs read or not.</param>
    /// <returns>The model, owned by the caller.</returns>
    /// <exception cref="InvalidDataException">The checkpoint is inconsistent; see <see cref="TransformerCheckpoint.Load{TScalar}"/>.</exception>
    /// <exception cref="NotSupportedException">The architecture is not supported.</exception>
    /// <exception cref="ArgumentException">The options disagree with the checkpoint.</exception>
    /// <exception cref="FileNotFoundException">There is nothing at <paramref name="path"/>.</exception>
    public static TransformerModel<TScalar> Load<TScalar>(string path, ModelLoadOptions? options = null)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        options ??= new ModelLoadOptions();
        var weights = TransformerCheckpoint.Load<TScalar>(path, options);
        return new TransformerModel<TScalar>(options.Processing ? Processed(weights) : weights);
    }

    /// <summary>
    /// The embedded synthetic GPT-2-small-shaped model (<see cref="SyntheticGpt2"/>): random weights with planted copying
    /// and anti-copying heads, not a trained model.
    /// </summary>
    /// <typeparam name="TScalar">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="seed">The seed; the same seed gives the same weights.</param>
    /// <param name="processing">Whether to apply TransformerLens's default weight processing.</param>
    /// <returns>The model, owned by the caller.</returns>
    public static TransformerModel<TScalar> Synthetic<TScalar>(int seed = SyntheticGpt2.DefaultSeed, bool processing = true)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        var weights = SyntheticGpt2.Create<TScalar>(seed);
        return new TransformerModel<TScalar>(processing ? Processed(weights) : weights);
    }

    /// <summary>The processed weights, written over the raw ones (no second copy); what the raw weights held apart is released at once.</summary>
    private static TransformerWeights<TScalar> Processed<TScalar>(TransformerWeights<TScalar> raw)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        using (raw)
        {
            return WeightProcessing.Process(raw, overwrite: true);
        }
    }
}
