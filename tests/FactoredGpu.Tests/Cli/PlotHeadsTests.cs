using FactoredGpu.Circuits;
using FactoredGpu.Cli.Circuits;
using Xunit;

namespace FactoredGpu.Tests.Cli;

/// <summary><c>--plot-heads</c>: the heads it names, and one line for text that names none.</summary>
public sealed class PlotHeadsTests
{
    [Fact]
    public void Names_heads_in_order_without_repeats_ignoring_case_and_spaces()
    {
        Assert.Equal([new HeadId(11, 11), new HeadId(5, 1)], PlotHeads.Parse("L11H11, l5h1,L11H11"));
        Assert.Null(PlotHeads.Parse(null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("L1")]
    [InlineData("H1L1")]
    [InlineData("L-1H2")]
    [InlineData("L1H2,,L3H4")]
    [InlineData("L1H2;L3H4")]
    [InlineData("L99999999999H0")]
    public void Text_that_is_not_a_list_of_heads_is_one_line_naming_the_option_and_the_form(string spec)
    {
        var error = Assert.Throws<ArgumentException>(() => PlotHeads.Parse(spec));
        Assert.Equal($"--plot-heads expects heads as L{{layer}}H{{head}}, comma-separated (for example L11H11,L5H1); got '{spec}'.", error.Message);
    }
}
