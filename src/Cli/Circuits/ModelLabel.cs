using FactoredGpu.Circuits;

namespace FactoredGpu.Cli.Circuits;

/// <summary>How every output names the model, so that a synthetic model is never mistaken for trained weights.</summary>
internal static class ModelLabel
{
    /// <summary><c>SYNTHETIC model</c> for the embedded model, the checkpoint's file name otherwise: the suffix of every plot title.</summary>
    public static string Short(ModelSummary model) => model.Synthetic ? "SYNTHETIC model" : Path.GetFileName(model.Source);

    /// <summary>The model's name with its architecture, dimensions (key/value heads where they are fewer) and whether its weights were processed.</summary>
    public static string Title(ModelSummary model) =>
        (model.Synthetic ? "SYNTHETIC model, not trained weights" : Path.GetFileName(model.Source)) +
        $" ({model.Architecture}, {model.NLayers} layers x {model.NHeads} heads{(model.NKeyValueHeads < model.NHeads ? $" ({model.NKeyValueHeads} key/value heads)" : "")}, " +
        $"d_model {model.DModel}, d_head {model.DHead}, d_vocab {model.DVocab}, {(model.Processing ? "processed" : "unprocessed")} weights)";
}
