using System.Diagnostics;
using System.Globalization;
using FactoredGpu.Circuits;

namespace FactoredGpu.Cli.Circuits;

/// <summary>
/// Progress on stderr for stages that last longer than a threshold (a second by default). On a terminal: one line
/// rewritten in place with <c>\r</c> (a spinner, the stage, its percentage where known, the elapsed time), no ANSI
/// escapes. Redirected: one line when such a stage has run past the threshold and one when it ends, so logs stay clean.
/// A stage whose work throws is never reported as done: its line is erased and the error is all that follows.
/// </summary>
internal sealed class StageProgress : IProgress<CircuitProgress>, IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private const string Spinner = @"|/-\";

    private readonly TextWriter _writer;
    private readonly bool _interactive;
    private readonly TimeSpan _threshold;
    private readonly Thread _ticker;
    private readonly ManualResetEventSlim _stopped = new();
    private readonly Lock _lock = new();
    private readonly Stopwatch _clock = new();
    private string? _stage;
    private double _fraction = double.NaN;
    private bool _shown, _silenced;
    private int _ticks, _width;

    /// <summary>Progress on <paramref name="writer"/>; <paramref name="interactive"/> when it is a terminal.</summary>
    public StageProgress(TextWriter writer, bool interactive, TimeSpan threshold)
    {
        (_writer, _interactive, _threshold) = (writer, interactive, threshold);
        // A thread of its own, not a thread-pool timer: the analysis keeps every pool thread busy.
        _ticker = new Thread(() =>
        {
            while (!_stopped.Wait(Tick))
            {
                Refresh();
            }
        })
        { IsBackground = true, Name = "factored progress" };
        _ticker.Start();
    }

    /// <summary>Progress on <see cref="Console.Error"/>, a terminal unless stderr is redirected, for stages over a second.</summary>
    public static StageProgress ForConsole() => new(Console.Error, !Console.IsErrorRedirected, TimeSpan.FromSeconds(1));

    /// <summary>Runs <paramref name="work"/> as the stage <paramref name="name"/> and appends its duration to <paramref name="timings"/>.</summary>
    /// <remarks>If <paramref name="work"/> throws, the stage is abandoned (its line erased, never "done") and the exception propagates.</remarks>
    public TResult Run<TResult>(string name, List<KeyValuePair<string, double>> timings, Func<TResult> work)
    {
        Report(new CircuitProgress(name, 0));
        var clock = Stopwatch.StartNew();
        TResult result;
        try
        {
            result = work();
        }
        catch
        {
            lock (_lock)
            {
                Abandon();
            }

            throw;
        }

        timings.Add(new(name, clock.Elapsed.TotalMilliseconds));
        Report(new CircuitProgress(name, 1));
        return result;
    }

    /// <summary>A stage started (fraction 0), moved on, or finished (fraction 1).</summary>
    public void Report(CircuitProgress value)
    {
        lock (_lock)
        {
            if (_silenced)
            {
                return;
            }

            if (value.Stage != _stage)
            {
                Finish();
                (_stage, _fraction, _shown, _ticks) = (value.Stage, double.NaN, false, 0);
                _clock.Restart();
            }

            if (value.Completed)
            {
                Finish();
            }
            else if (value.Fraction > 0)
            {
                _fraction = value.Fraction;
            }
        }
    }

    /// <summary>
    /// Abandons the current stage and prints nothing more: called when the run is interrupted, so that a stage finishing
    /// after the signal cannot print "done" after (or around) the interruption line.
    /// </summary>
    public void Silence()
    {
        lock (_lock)
        {
            Abandon();
            _silenced = true;
        }
    }

    /// <summary>Stops the ticking thread; a stage still open never completed (its work threw), so it is abandoned, not "done".</summary>
    public void Dispose()
    {
        _stopped.Set();
        _ticker.Join();
        _stopped.Dispose();
        lock (_lock)
        {
            Abandon();
        }
    }

    private void Refresh()
    {
        lock (_lock)
        {
            if (_silenced || _stage is null || _clock.Elapsed < _threshold)
            {
                return;
            }

            if (_interactive)
            {
                string percent = double.IsNaN(_fraction) ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" {_fraction * 100,3:0}%");
                Overwrite($"{Spinner[_ticks++ % Spinner.Length]} {_stage}{percent} {Seconds(_clock.Elapsed)}");
            }
            else if (!_shown)
            {
                _writer.WriteLine($"factored: {_stage} ...");
            }

            _shown = true;
        }
    }

    // Called under the lock: the line for a stage that ran past the threshold, then no current stage.
    private void Finish()
    {
        if (_stage is not null && (_shown || _clock.Elapsed >= _threshold))
        {
            string done = $"{_stage} done in {Seconds(_clock.Elapsed)}";
            if (_interactive)
            {
                Overwrite(done);
                _writer.WriteLine();
                _width = 0;
            }
            else
            {
                _writer.WriteLine($"factored: {done}");
            }
        }

        _stage = null;
        _writer.Flush();
    }

    // Called under the lock: a stage that did not complete leaves no line behind on a terminal (the error that follows
    // is the only one) and no "done" line in a log.
    private void Abandon()
    {
        if (_stage is not null && _interactive && _width > 0)
        {
            _writer.Write("\r" + new string(' ', _width) + "\r");
            _width = 0;
        }

        _stage = null;
        _writer.Flush();
    }

    private void Overwrite(string line)
    {
        _writer.Write("\r" + line.PadRight(_width));
        _width = line.Length;
        _writer.Flush();
    }

    private static string Seconds(TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.0} s");
}
