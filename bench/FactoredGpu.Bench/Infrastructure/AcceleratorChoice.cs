using FactoredGpu.Kernels;

namespace FactoredGpu.Bench.Infrastructure;

/// <summary>The accelerators the suites run on, as the <c>Accelerator</c> parameter's values.</summary>
internal static class AcceleratorChoice
{
    /// <summary>
    /// The accelerator named by <c>--accelerator</c> (which Program.cs puts in <see cref="Accelerators.EnvironmentVariable"/>,
    /// so BenchmarkDotNet's child processes see it) or by that variable, <c>auto</c> resolved to the kind it picks; without
    /// one, every usable accelerator except <c>ilgpu-cpu</c>.
    /// </summary>
    /// <remarks>
    /// ILGPU's CPU accelerator runs the GPU kernels on CPU threads at ~0.1 GFLOP/s, to check kernel logic without a GPU:
    /// a full suite there takes hours, so it runs only when asked for by name.
    /// </remarks>
    public static IEnumerable<string> Names() =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Accelerators.EnvironmentVariable))
            ? Usable().Where(k => k != AcceleratorKind.IlgpuCpu).Select(Accelerators.Name)
            : [Accelerators.Name(Chosen())];

    /// <summary>
    /// The accelerator <c>--accelerator</c> or <see cref="Accelerators.EnvironmentVariable"/> names, <c>auto</c> (also
    /// when neither is given) resolved as <see cref="Accelerators.Create"/> resolves it: CUDA, else OpenCL, else the host.
    /// </summary>
    public static AcceleratorKind Chosen()
    {
        AcceleratorKind kind = Accelerators.Resolve(null);
        var usable = Usable();
        return kind != AcceleratorKind.Auto ? kind
            : usable.Contains(AcceleratorKind.Cuda) ? AcceleratorKind.Cuda
            : usable.Contains(AcceleratorKind.OpenCL) ? AcceleratorKind.OpenCL
            : AcceleratorKind.Cpu;
    }

    private static List<AcceleratorKind> Usable() =>
        [.. Accelerators.List().Where(a => a.Usable).Select(a => a.Kind).Distinct()];
}
