using BenchmarkDotNet.Running;
using FactoredGpu.Kernels;

// --accelerator K is ours, not BenchmarkDotNet's: take it out of the arguments and hand the checked choice to the
// benchmark processes (BenchmarkDotNet runs each in a child process, which inherits the environment), where
// Accelerators.Create(Accelerators.Resolve(null)) reads it back.
var rest = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    string? value = args[i] == "--accelerator" && i + 1 < args.Length ? args[++i]
        : args[i].StartsWith("--accelerator=", StringComparison.Ordinal) ? args[i]["--accelerator=".Length..]
        : null;
    if (value is null)
    {
        rest.Add(args[i]);
    }
    else
    {
        try
        {
            Environment.SetEnvironmentVariable(Accelerators.EnvironmentVariable, Accelerators.Name(Accelerators.Parse(value)));
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"FactoredGpu.Bench: {e.Message}");
            return 2;
        }
    }
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. rest]);
return 0;

internal partial class Program { }
