using System.CommandLine;

namespace FactoredGpu.Cli;

/// <summary>
/// Runs a command line: bad input becomes one line on stderr and exit code 2, never a stack trace. Bad input is any
/// exception of the families the library documents for bad arguments, files, data and devices: argument, invalid
/// operation or data, I/O (missing, unreadable, malformed or unwritable files), access, not-supported, format,
/// arithmetic, and <see cref="InsufficientMemoryException"/> (a problem too large for the device).
/// </summary>
internal static class CommandLine
{
    /// <summary>Exit code for bad input (arguments, files, shapes).</summary>
    public const int BadInput = 2;

    public static int Run(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine($"factored: {error.Message}");
            }

            return BadInput;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException or IOException or UnauthorizedAccessException or InsufficientMemoryException or NotSupportedException or FormatException or ArithmeticException)
        {
            Console.Error.WriteLine($"factored: {Message(e)}");
            return BadInput;
        }
    }

    // One line, without the " (Parameter 'name')" that ArgumentException appends for callers in code.
    private static string Message(Exception e)
    {
        string message = e.Message.ReplaceLineEndings(" ");
        string suffix = e is ArgumentException { ParamName: { } name } ? $" (Parameter '{name}')" : string.Empty;
        return suffix.Length > 0 && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }
}
