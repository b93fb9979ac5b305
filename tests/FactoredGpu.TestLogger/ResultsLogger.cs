using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Client;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace FactoredGpu.TestLogger;

/// <summary>
/// The test results a reader needs, beside the console logger at quiet verbosity (which prints only the summary):
/// each failure with its message and stack trace as it happens, and at the end the skipped tests grouped by reason,
/// one line each (<c>skipped 68: Accelerator 'cuda' is not available …</c>).
/// </summary>
[FriendlyName(FriendlyName)]
[ExtensionUri("logger://FactoredGpu/Results")]
public sealed class ResultsLogger : ITestLogger
{
    /// <summary>The name <c>tests/test.runsettings</c> enables the logger by.</summary>
    public const string FriendlyName = "factoredgpu-results";

    private readonly Dictionary<string, int> _skips = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <inheritdoc/>
    public void Initialize(TestLoggerEvents events, string testRunDirectory)
    {
        ArgumentNullException.ThrowIfNull(events);
        events.TestResult += (_, e) => Record(e.Result);
        events.TestRunComplete += (_, _) => PrintSkips();
    }

    private void Record(TestResult result)
    {
        lock (_lock)
        {
            if (result.Outcome == TestOutcome.Failed)
            {
                Console.WriteLine($"  Failed {result.TestCase.DisplayName}");
                Console.WriteLine(Indented(result.ErrorMessage));
                Console.WriteLine(Indented(result.ErrorStackTrace));
            }
            else if (result.Outcome == TestOutcome.Skipped)
            {
                string reason = string.IsNullOrWhiteSpace(result.ErrorMessage) ? "(no reason given)" : result.ErrorMessage.ReplaceLineEndings(" ").Trim();
                _skips[reason] = _skips.GetValueOrDefault(reason) + 1;
            }
        }
    }

    private void PrintSkips()
    {
        lock (_lock)
        {
            foreach (var (reason, count) in _skips.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal))
            {
                Console.WriteLine($"  skipped {count}: {reason}");
            }
        }
    }

    private static string Indented(string? text) =>
        string.Join(Environment.NewLine, (text ?? string.Empty).Trim().ReplaceLineEndings("\n").Split('\n').Select(line => "    " + line));
}
