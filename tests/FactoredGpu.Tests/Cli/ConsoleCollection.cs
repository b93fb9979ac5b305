using Xunit;

namespace FactoredGpu.Tests.Cli;

/// <summary>Tests that swap <see cref="Console.Out"/> or <see cref="Console.Error"/>: they must not run in parallel with each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
