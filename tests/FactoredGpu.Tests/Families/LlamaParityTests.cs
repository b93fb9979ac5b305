using FactoredGpu.Tests.Cli;
using FactoredGpu.Tests.Parity;
using Xunit;

namespace FactoredGpu.Tests.Families;

/// <summary>Llama with grouped-query attention (dev_llama_gqa: bf16, two shards, layer 1 split across them) against TransformerLens.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class LlamaParityTests : ModelFamilyParityTests
{
    private protected override DevModel Model => DevModel.Llama;
}
