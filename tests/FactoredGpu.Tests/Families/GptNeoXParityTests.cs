using FactoredGpu.Tests.Cli;
using FactoredGpu.Tests.Parity;
using Xunit;

namespace FactoredGpu.Tests.Families;

/// <summary>GPT-NeoX (dev_neox: LayerNorm, fused per-head interleaved query_key_value, untied embed_out) against TransformerLens.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class GptNeoXParityTests : ModelFamilyParityTests
{
    private protected override DevModel Model => DevModel.NeoX;
}
