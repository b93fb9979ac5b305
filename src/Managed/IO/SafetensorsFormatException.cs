namespace FactoredGpu.IO;

/// <summary>
/// A file is not a well-formed safetensors file, or holds something FactoredGpu cannot read. An <see cref="IOException"/>
/// (<see cref="InvalidDataException"/> is sealed), so callers that handle file errors handle this one too.
/// </summary>
public sealed class SafetensorsFormatException : IOException
{
    /// <summary>Creates the exception with a default message.</summary>
    public SafetensorsFormatException()
        : base("The file is not a valid safetensors file.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public SafetensorsFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The failure that caused it.</param>
    public SafetensorsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="path"/>; the message starts with the file's path.</summary>
    /// <param name="path">The file.</param>
    /// <param name="problem">What is wrong, in one sentence.</param>
    /// <param name="innerException">The failure that revealed it, if any.</param>
    public SafetensorsFormatException(string path, string problem, Exception? innerException)
        : base($"{path}: {problem}", innerException)
    {
        FilePath = path;
    }

    /// <summary>The file that failed validation, when known.</summary>
    public string? FilePath { get; }
}
