using FactoredGpu.Circuits;
using FactoredGpu.Cli.Circuits;
using Xunit;

namespace FactoredGpu.Tests.Cli;

/// <summary>Stage progress on stderr: plain lines when redirected, carriage-return updates on a terminal, nothing for short stages.</summary>
public sealed class StageProgressTests
{
    [Fact]
    public void Redirected_stderr_gets_one_plain_line_per_long_stage_and_no_escape_codes()
    {
        using var writer = new StringWriter();
        using (var progress = new StageProgress(writer, interactive: false, TimeSpan.Zero))
        {
            var timings = new List<KeyValuePair<string, double>>();
            Assert.Equal(42, progress.Run("load", timings, () => 42));
            progress.Report(new CircuitProgress("ov", 0));
            progress.Report(new CircuitProgress("ov", 0.5));
            progress.Report(new CircuitProgress("ov", 1));
            Assert.Equal("load", Assert.Single(timings).Key);
        }

        string text = writer.ToString();
        Assert.Matches(@"(?m)^factored: load done in \d+\.\d s$", text);
        Assert.Matches(@"(?m)^factored: ov done in \d+\.\d s$", text);
        Assert.DoesNotContain('\r', text);
        Assert.DoesNotContain('\u001b', text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void After_an_interruption_a_stage_that_still_completes_prints_nothing(bool interactive)
    {
        using var writer = new StringWriter();
        using (var progress = new StageProgress(writer, interactive, TimeSpan.Zero))
        {
            var timings = new List<KeyValuePair<string, double>>();
            int result = progress.Run("process", timings, () =>
            {
                Thread.Sleep(250);
                progress.Silence();
                return 7;
            });
            Assert.Equal(7, result);
            progress.Run("ov", timings, () => 1);
        }

        string text = writer.ToString();
        Assert.DoesNotContain("done", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ov", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_failed_stage_is_never_reported_done(bool interactive)
    {
        using var writer = new StringWriter();
        using (var progress = new StageProgress(writer, interactive, TimeSpan.Zero))
        {
            var timings = new List<KeyValuePair<string, double>>();
            var e = Assert.Throws<InvalidDataException>(() => progress.Run<int>("load", timings, () =>
            {
                Thread.Sleep(250);
                throw new InvalidDataException("bad weights");
            }));
            Assert.Equal("bad weights", e.Message);
            Assert.Empty(timings);

            // A stage reported through IProgress whose work threw is still open when the command disposes the progress.
            progress.Report(new CircuitProgress("ov", 0));
            progress.Report(new CircuitProgress("ov", 0.5));
            Thread.Sleep(250);
        }

        string text = writer.ToString();
        Assert.DoesNotContain("done", text, StringComparison.Ordinal);
        if (interactive)
        {
            // Whatever was drawn is erased: the text ends with the cursor at the start of a blank line.
            Assert.Matches(@"\r +\r$", text);
        }
        else
        {
            Assert.Equal("factored: load ...\nfactored: ov ...\n".Replace("\n", Environment.NewLine, StringComparison.Ordinal), text);
        }
    }

    [Fact]
    public void Short_stages_print_nothing()
    {
        using var writer = new StringWriter();
        using (var progress = new StageProgress(writer, interactive: true, TimeSpan.FromMinutes(1)))
        {
            progress.Report(new CircuitProgress("qk", 0));
            progress.Report(new CircuitProgress("qk", 1));
        }

        Assert.Equal(string.Empty, writer.ToString());
    }

    [Fact]
    public void A_terminal_gets_a_line_rewritten_in_place_with_the_percentage()
    {
        using var writer = new StringWriter();
        using (var progress = new StageProgress(writer, interactive: true, TimeSpan.Zero))
        {
            progress.Report(new CircuitProgress("full_ov", 0));
            progress.Report(new CircuitProgress("full_ov", 0.25));
            Thread.Sleep(350);
            progress.Report(new CircuitProgress("full_ov", 1));
        }

        string text = writer.ToString();
        Assert.Matches(@"\r[|/\\-] full_ov  25% \d+\.\d s", text);
        Assert.Matches(@"\rfull_ov done in \d+\.\d s *\r?\n$", text);
        Assert.DoesNotContain('\u001b', text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_stage_still_running_at_dispose_is_not_reported_done(bool interactive)
    {
        using var writer = new StringWriter();
        using (var progress = new StageProgress(writer, interactive, TimeSpan.Zero))
        {
            progress.Report(new CircuitProgress("ov", 0));
            Thread.Sleep(350);
        }

        string text = writer.ToString();
        Assert.Contains(interactive ? "ov" : "factored: ov ...", text, StringComparison.Ordinal);
        Assert.DoesNotContain("done", text, StringComparison.Ordinal);
        if (interactive)
        {
            Assert.Matches(@"\r *\r$", text);
        }
    }
}
