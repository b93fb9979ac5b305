using System.CommandLine;
using System.Globalization;
using FactoredGpu.Kernels;

namespace FactoredGpu.Cli.Commands;

/// <summary><c>factored devices</c>: every accelerator on this machine, and why the unusable ones are not usable.</summary>
internal static class DevicesCommand
{
    public static Command Create()
    {
        var command = new Command("devices", "List the accelerators (host CPU, ILGPU CPU, CUDA and OpenCL devices) and whether each is usable.");
        command.SetAction(_ => Run(Console.Out));
        return command;
    }

    public static int Run(TextWriter output)
    {
        var rows = Accelerators.List().Select(a => new[]
        {
            Accelerators.Name(a.Kind),
            a.Name,
            a.MemoryBytes > 0 ? string.Create(CultureInfo.InvariantCulture, $"{a.MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB") : "-",
            a.WarpSize > 0 ? a.WarpSize.ToString(CultureInfo.InvariantCulture) : "-",
            a.MaxGroupSize > 0 ? a.MaxGroupSize.ToString(CultureInfo.InvariantCulture) : "-",
            a.Usable ? "yes" : $"no: {a.Reason}",
        });
        TextTable.Write(output, ["kind", "name", "memory", "warp", "max group", "usable"], rows);
        return 0;
    }
}
