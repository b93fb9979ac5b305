using FactoredGpu.Kernels;
using FactoredGpu.Kernels.Host;
using Xunit;

namespace FactoredGpu.Tests.Cli;

/// <summary>How <c>--accelerator</c> and <c>FACTOREDGPU_ACCELERATOR</c> become a backend.</summary>
/// <remarks>One class: the tests that set the environment variable must not run in parallel.</remarks>
public sealed class AcceleratorSelectionTests
{
    [Theory]
    [InlineData("auto", AcceleratorKind.Auto)]
    [InlineData("CPU", AcceleratorKind.Cpu)]
    [InlineData("Cuda", AcceleratorKind.Cuda)]
    [InlineData("opencl", AcceleratorKind.OpenCL)]
    [InlineData(" ILGPU-cpu ", AcceleratorKind.IlgpuCpu)]
    public void Parse_reads_every_name_in_any_case(string text, AcceleratorKind expected)
    {
        Assert.Equal(expected, Accelerators.Parse(text));
        Assert.Equal(expected, Accelerators.Parse(Accelerators.Name(expected)));
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("")]
    [InlineData("ilgpu_cpu")]
    public void Parse_rejects_other_text_listing_the_valid_names(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => Accelerators.Parse(text));
        Assert.Contains("auto, cpu, cuda, opencl, ilgpu-cpu", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_prefers_the_option_then_the_environment_variable_then_auto()
    {
        string? saved = Environment.GetEnvironmentVariable(Accelerators.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(Accelerators.EnvironmentVariable, null);
            Assert.Equal(AcceleratorKind.Auto, Accelerators.Resolve(null));

            Environment.SetEnvironmentVariable(Accelerators.EnvironmentVariable, "ilgpu-cpu");
            Assert.Equal(AcceleratorKind.IlgpuCpu, Accelerators.Resolve(null));
            // An empty --accelerator was given: an error, not "not given" (which would fall back to the environment).
            Assert.StartsWith("The accelerator name is empty", Assert.Throws<ArgumentException>(() => Accelerators.Resolve(" ")).Message, StringComparison.Ordinal);
            Assert.Equal(AcceleratorKind.Cpu, Accelerators.Resolve("cpu"));

            Environment.SetEnvironmentVariable(Accelerators.EnvironmentVariable, "tpu");
            var e = Assert.Throws<ArgumentException>(() => Accelerators.Resolve(null));
            Assert.StartsWith("FACTOREDGPU_ACCELERATOR: Unknown accelerator 'tpu'", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Accelerators.EnvironmentVariable, saved);
        }
    }

    [Fact]
    public void Cpu_is_the_shared_host_backend_and_auto_falls_back_to_it_without_a_gpu()
    {
        Assert.Same(HostKernels.Shared, Accelerators.Create(AcceleratorKind.Cpu));
        bool gpu = Accelerators.List().Any(a => a.Usable && a.Kind is AcceleratorKind.Cuda or AcceleratorKind.OpenCL);
        if (!gpu)
        {
            Assert.Same(HostKernels.Shared, Accelerators.Create(AcceleratorKind.Auto));
        }
    }

    [Fact]
    public void List_never_throws_and_gives_a_reason_for_every_unusable_entry()
    {
        var all = Accelerators.List();

        Assert.Equal([AcceleratorKind.Cpu, AcceleratorKind.IlgpuCpu], all.Take(2).Select(a => a.Kind));
        Assert.Contains(all, a => a.Kind == AcceleratorKind.Cuda);
        Assert.Contains(all, a => a.Kind == AcceleratorKind.OpenCL);
        Assert.All(all, a => Assert.Equal(a.Usable, a.Reason is null));
        Assert.All(all.Where(a => a.Kind == AcceleratorKind.IlgpuCpu), a => Assert.Equal((32, 1024), (a.WarpSize, a.MaxGroupSize)));
    }
}
