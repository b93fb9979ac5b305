using FactoredGpu.Tests.Cli;
using FactoredGpu.Tests.Parity;
using Xunit;

namespace FactoredGpu.Tests.Families;

/// <summary>Qwen2 (dev_qwen2: bf16, tied embeddings, q/k/v biases, grouped-query attention) against TransformerLens.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class Qwen2ParityTests : ModelFamilyParityTests
{
    private protected override DevModel Model => DevModel.Qwen2;
}
