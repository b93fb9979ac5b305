using FactoredGpu.Cli;
using FactoredGpu.Cli.Commands;
using Xunit;

namespace FactoredGpu.Tests.Cli;

/// <summary>The <c>factored</c> tool: the demo's numbers and one-line errors for bad input.</summary>
public sealed class CliTests
{
    [Fact]
    public void Demo_prints_the_notebook_numbers()
    {
        using var output = new StringWriter();
        Assert.Equal(0, DemoCommand.Run(output));
        string text = output.ToString();

        // TransformerLens's Main_Demo prints these (seed_notebook_case.json, "seed_notebook_printed").
        Assert.Contains("factored (two 2x2 Grams, no SVD) = 9.9105", text, StringComparison.Ordinal);
        Assert.Contains("= [2.3121, -6.2877]", text, StringComparison.Ordinal);
        Assert.Contains("= [8.3126, 5.3963]", text, StringComparison.Ordinal);
        Assert.Contains("FactoredMatrix: Shape([5, 300]), Hidden Dim(2)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_command_is_one_line_and_exit_code_2()
    {
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(CommandLine.BadInput, CommandLine.Run(new System.CommandLine.RootCommand { DemoCommand.Create() }, ["no-such-command"]));
        }
        finally
        {
            Console.SetError(saved);
        }

        Assert.StartsWith("factored: ", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
    }
}
