using System.Runtime.InteropServices;

namespace FactoredGpu.Cli;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM for a long command: the first signal cancels <see cref="Token"/>, whose registered
/// clean-ups (the staging directory, an output directory the run created) run at once; the command then ends with one
/// line on stderr and exit code 130 (SIGINT) or 143 (SIGTERM). A command busy in a stage that does not look at the token
/// is not waited for beyond a short grace period: the line is printed and the process exits with the same code.
/// </summary>
internal sealed class Interruption : IDisposable
{
    /// <summary>Exit codes as a shell reports a process killed by the signal: 128 + its number.</summary>
    public const int SigIntExitCode = 130, SigTermExitCode = 143;

    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _cancellation = new();
    private readonly ManualResetEventSlim _finished = new();
    private readonly PosixSignalRegistration _sigint, _sigterm;
    private int _exitCode, _reported;

    private Interruption()
    {
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>Starts listening for SIGINT and SIGTERM (instead of the runtime's default of ending the process at once).</summary>
    public static Interruption Listen() => new();

    /// <summary>
    /// Runs <paramref name="work"/> with <see cref="Token"/>. After a signal, whatever <paramref name="work"/> throws
    /// (<see cref="OperationCanceledException"/>, or an I/O error because its files were removed under it) ends in the
    /// one line and the signal's exit code.
    /// </summary>
    public int Run(Func<CancellationToken, int> work)
    {
        try
        {
            return work(Token);
        }
        catch (Exception) when (Token.IsCancellationRequested)
        {
            Report(beginLine: false);
            return _exitCode;
        }
        finally
        {
            _finished.Set();
        }
    }

    /// <summary>Stops listening; a later signal ends the process the runtime's default way.</summary>
    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _cancellation.Dispose();
        _finished.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        int code = context.Signal == PosixSignal.SIGINT ? SigIntExitCode : SigTermExitCode;
        if (Interlocked.CompareExchange(ref _exitCode, code, 0) != 0)
        {
            return;
        }

        _cancellation.Cancel();
        if (!_finished.Wait(Grace))
        {
            // A progress line may be open on a terminal: the message starts on a line of its own.
            Report(beginLine: !Console.IsErrorRedirected);
            Environment.Exit(code);
        }
    }

    private void Report(bool beginLine)
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            string signal = _exitCode == SigIntExitCode ? "SIGINT" : "SIGTERM";
            Console.Error.WriteLine($"{(beginLine ? Environment.NewLine : string.Empty)}factored: interrupted by {signal}; stopped and removed the unfinished output.");
        }
    }
}
