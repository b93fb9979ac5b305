using FactoredGpu.Cli;
using FactoredGpu.Cli.Commands;
using FactoredGpu.Cli.Selftest;
using FactoredGpu.Kernels;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Cli;

/// <summary>The <c>factored</c> tool: the demo's numbers, devices, selftest, and one-line errors for bad input.</summary>
/// <remarks>In the console collection: the tests that swap <see cref="Console.Error"/> must not run in parallel.</remarks>
[Collection(ConsoleCollection.Name)]
public sealed class CliTests
{
    [Fact]
    public void Demo_prints_the_notebook_numbers()
    {
        using var output = new StringWriter();
        Assert.Equal(0, DemoCommand.Run(FactoredGpu.Kernels.Host.HostKernels.Shared, output));
        string text = output.ToString();

        // TransformerLens's Main_Demo prints these (seed_notebook_case.json, "seed_notebook_printed"), and its notebook
        // 160.0830 for AB·C on the re-seeded C (recorded as "C_reseeded"."ABC_factored_norm", 160.08305).
        Assert.Contains("factored (two 2x2 Grams, no SVD) = 9.9105", text, StringComparison.Ordinal);
        Assert.Contains("= [2.3121, -6.2877]", text, StringComparison.Ordinal);
        Assert.Contains("= [8.3126, 5.3963]", text, StringComparison.Ordinal);
        Assert.Contains("FactoredMatrix: Shape([5, 300]), Hidden Dim(2)", text, StringComparison.Ordinal);
        using var reference = ReferenceFiles.Load("seed_notebook_case.json");
        double recorded = ReferenceFiles.Real(reference.RootElement.GetProperty("case").GetProperty("C_reseeded").GetProperty("ABC_factored_norm")).Data[0];
        var abcNorm = System.Text.RegularExpressions.Regex.Match(text, @"its norm from the factors = (160\.0830\d) ");
        Assert.True(abcNorm.Success, text);
        Assert.Equal(recorded, double.Parse(abcNorm.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1e-5 * recorded);
    }

    [Fact]
    public void Devices_lists_every_kind_and_why_the_absent_ones_are_not_usable()
    {
        using var output = new StringWriter();
        Assert.Equal(0, DevicesCommand.Run(output));
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("kind ", lines[0], StringComparison.Ordinal);
        foreach (string kind in new[] { "cpu", "ilgpu-cpu", "cuda", "opencl" })
        {
            Assert.Contains(lines, line => line.StartsWith(kind + " ", StringComparison.Ordinal));
        }

        Assert.Matches(@"^cpu .* yes\s*$", lines[1]);
        Assert.Matches(@"^ilgpu-cpu .*\b32\s+1024\s+yes\s*$", lines[2]);
    }

    [Fact]
    public void Selftest_on_cpu_passes_every_operation_in_float_and_double()
    {
        using var output = new StringWriter();
        Assert.Equal(0, SelftestCommand.Run("cpu", output));
        string text = output.ToString();

        foreach (var test in SelftestCase.All)
        {
            Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(test.Name)}\s+float\s+1,17,65,256\s.*\bpass\s*$", text);
            Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(test.Name)}\s+double\s+1,17,65,256\s.*\bpass\s*$", text);
        }

        foreach (var operation in Enum.GetValues<Operation>())
        {
            Assert.Contains(SelftestCase.All, test => test.Operation == operation);
        }

        Assert.Contains($"{2 * SelftestCase.All.Count} of {2 * SelftestCase.All.Count} passed", text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Selftest_on_an_absent_accelerator_is_one_line_listing_the_usable_kinds_and_exit_code_2()
    {
        Skip.If(Accelerators.List().Any(a => a.Kind == AcceleratorKind.Cuda && a.Usable), "this machine has a usable CUDA device");

        var (code, error) = RunWithStderr("selftest", "--accelerator", "cuda");

        Assert.Equal(CommandLine.BadInput, code);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("factored: Accelerator 'cuda' is not available: ", error, StringComparison.Ordinal);
        Assert.Contains("Usable here: cpu (", error, StringComparison.Ordinal);
        Assert.Contains("ilgpu-cpu (", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Selftest_with_an_unknown_accelerator_is_one_line_listing_the_valid_ones_and_exit_code_2()
    {
        var (code, error) = RunWithStderr("selftest", "--accelerator", "tpu");

        Assert.Equal(CommandLine.BadInput, code);
        Assert.Equal("factored: Unknown accelerator 'tpu'; valid values are auto, cpu, cuda, opencl, ilgpu-cpu.", error.TrimEnd());
    }

    [Fact]
    public void Unknown_command_is_one_line_and_exit_code_2()
    {
        var (code, error) = RunWithStderr("no-such-command");

        Assert.Equal(CommandLine.BadInput, code);
        Assert.StartsWith("factored: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>factored</c> in process with the real command tree; returns the exit code, stdout and stderr.</summary>
    internal static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var (savedOut, savedError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var root = new System.CommandLine.RootCommand { CircuitsCommand.Create(), DemoCommand.Create(), DevicesCommand.Create(), SelftestCommand.Create() };
            return (CommandLine.Run(root, args), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(savedOut);
            Console.SetError(savedError);
        }
    }

    private static (int Code, string Error) RunWithStderr(params string[] args)
    {
        var (code, _, error) = Run(args);
        return (code, error);
    }
}
