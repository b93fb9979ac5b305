namespace FactoredGpu.Models;

/// <summary>How <see cref="TransformerModel.Load{TScalar}"/> reads and prepares a checkpoint.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>
    /// The number of attention heads, for a GPT-2 checkpoint without a <c>config.json</c> (default: <c>d_model / 64</c>).
    /// When a <c>config.json</c> is present it must agree with it.
    /// </summary>
    public int? Heads { get; init; }

    /// <summary>Whether to apply TransformerLens's default weight processing (<see cref="WeightProcessing.Process"/>), as <c>from_pretrained</c> does. Default: <see langword="true"/>.</summary>
    public bool Processing { get; init; } = true;

    /// <summary>Whether to read the MLP weights (and <c>ln2</c>) too. Circuits never need them. Default: <see langword="false"/>.</summary>
    public bool IncludeMlp { get; init; }
}
