namespace FactoredGpu.Models;

/// <summary>One TransformerLens tensor outside the blocks: the Hugging Face tensor it comes from and how it is cut.</summary>
/// <param name="Name">The Hugging Face tensor name.</param>
/// <param name="View">The view of the stored tensor.</param>
internal sealed record TensorSource(string Name, TensorView View);
