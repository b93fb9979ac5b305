namespace FactoredGpu.Kernels;

/// <summary>
/// Thrown by <see cref="Accelerators.Create"/> when the requested accelerator is absent or unusable on this machine;
/// the message says why and lists the usable kinds.
/// </summary>
public sealed class AcceleratorUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception with a default message.</summary>
    public AcceleratorUnavailableException()
        : base("The requested accelerator is not available.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Why the accelerator is not available.</param>
    public AcceleratorUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    /// <param name="message">Why the accelerator is not available.</param>
    /// <param name="innerException">The failure that caused it.</param>
    public AcceleratorUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
