using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using FactoredGpu.Kernels;

namespace FactoredGpu.Bench.Infrastructure;

/// <summary>
/// A benchmark suite: parameterised by accelerator, with a backend created in <c>[GlobalSetup]</c>, and a
/// <see cref="Infrastructure.Work"/> count per benchmark method that the GFLOP/s columns and the quick report read.
/// </summary>
/// <remarks>
/// The quick report (<see cref="Quick.QuickRunner"/>) drives these same classes: it sets the parameters, calls
/// <see cref="GlobalSetup"/>, times the <c>[Benchmark]</c> methods and calls <see cref="GlobalCleanup"/>.
/// <see cref="Work"/> must depend on the parameters and <see cref="Size"/> only, never on the setup, since the
/// BenchmarkDotNet columns ask it of a fresh instance in the host process.
/// </remarks>
public abstract class Suite
{
    /// <summary>The accelerator name (<c>cpu</c>, <c>cuda</c>, ...).</summary>
    [ParamsSource(nameof(AcceleratorNames))]
    public string Accelerator { get; set; } = "cpu";

    public static IEnumerable<string> AcceleratorNames() => AcceleratorChoice.Names();

    /// <summary>How much of each workload to run; BenchmarkDotNet always runs <see cref="RunSize.Full"/>.</summary>
    internal RunSize Size { get; set; } = RunSize.Full;

    protected IKernels Backend { get; private set; } = null!;

    [GlobalSetup]
    public void GlobalSetup()
    {
        Backend = Accelerators.Create(Accelerators.Parse(Accelerator));
        Prepare();
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        Release();
        Backend.Dispose();
    }

    /// <summary>The work <paramref name="method"/> does at the current parameters and <see cref="Size"/>.</summary>
    internal abstract Work Work(string method);

    /// <summary>Allocates the inputs on <see cref="Backend"/>.</summary>
    protected abstract void Prepare();

    /// <summary>Frees what <see cref="Prepare"/> allocated.</summary>
    protected abstract void Release();

    /// <summary>Throws for a method whose <see cref="Infrastructure.Work.Skipped"/> is set, so BenchmarkDotNet reports it as not run.</summary>
    protected void ThrowIfSkipped([CallerMemberName] string method = "")
    {
        if (Work(method).Skipped is { } reason)
        {
            throw new NotSupportedException($"{method} not run: {reason}");
        }
    }
}
