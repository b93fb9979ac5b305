namespace FactoredGpu.Models;

/// <summary>
/// A model family's adapter: which Hugging Face architectures it reads, how its <c>config.json</c> maps to
/// <see cref="ModelConfig"/>, and its table of tensors (<see cref="FamilyLayout"/>). Nothing else knows family names.
/// </summary>
internal interface IModelFamily
{
    /// <summary>The Hugging Face <c>architectures[0]</c> values this adapter reads.</summary>
    IReadOnlyList<string> Architectures { get; }

    /// <summary>The <c>model_type</c> values of configs without <c>architectures</c>.</summary>
    IReadOnlyList<string> ModelTypes { get; }

    /// <summary>The model's configuration from <paramref name="config"/> (or, for a family that allows it, from the tensors alone).</summary>
    /// <param name="config">The <c>config.json</c>, or <see langword="null"/> when there is none.</param>
    /// <param name="files">The checkpoint, for sizes the config may leave out.</param>
    /// <param name="heads">The number of heads the user gave, for a checkpoint without <c>config.json</c>.</param>
    ModelConfig ReadConfig(ConfigJson? config, CheckpointFiles files, int? heads);

    /// <summary>The tensor table for a model of <paramref name="config"/>.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="files">The checkpoint, to choose between alternative names (a prefix, a tied unembedding).</param>
    FamilyLayout Layout(ModelConfig config, CheckpointFiles files);
}
