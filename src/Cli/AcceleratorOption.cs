using System.CommandLine;
using FactoredGpu.Kernels;

namespace FactoredGpu.Cli;

/// <summary>The <c>--accelerator</c> option every command that computes shares.</summary>
internal static class AcceleratorOption
{
    /// <summary>A new <c>--accelerator</c> option (an option belongs to one command, so each command makes its own).</summary>
    /// <remarks>Its value goes to <see cref="Accelerators.Resolve"/>, which also reads the environment variable when the option is absent; an empty value (<c>--accelerator ""</c>) is an error there, not "absent".</remarks>
    public static Option<string> Create() => new("--accelerator")
    {
        Description = $"Where the kernels run: {Accelerators.ValidNames}. Default: ${Accelerators.EnvironmentVariable}, else auto (CUDA, else OpenCL, else cpu). `factored devices` lists them.",
        HelpName = "kind",
    };
}
