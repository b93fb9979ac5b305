using System.Globalization;

namespace FactoredGpu.Models;

/// <summary>One TransformerLens tensor of every block: the Hugging Face name with <c>{0}</c> for the layer, and how it is cut.</summary>
/// <param name="NameFormat">The Hugging Face tensor name, <c>{0}</c> standing for the layer index.</param>
/// <param name="View">The view of each layer's stored tensor.</param>
internal sealed record LayerSource(string NameFormat, TensorView View)
{
    /// <summary>The Hugging Face name of layer <paramref name="layer"/>'s tensor.</summary>
    public string Name(int layer) => string.Format(CultureInfo.InvariantCulture, NameFormat, layer);
}
