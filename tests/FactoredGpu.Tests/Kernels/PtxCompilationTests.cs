using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FactoredGpu.Kernels.Ilgpu;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Xunit;
using Xunit.Abstractions;

namespace FactoredGpu.Tests.Kernels;

/// <summary>
/// Compiles every ILGPU kernel, for float and double, to PTX for Ampere (sm_80) and Hopper (sm_90) without a GPU, and
/// where <c>ptxas</c> exists (<c>FACTOREDGPU_PTXAS</c>, else the PATH) assembles it and records registers and spills.
/// </summary>
public sealed partial class PtxCompilationTests(ITestOutputHelper output)
{
    private const string PtxasVariable = "FACTOREDGPU_PTXAS";

    public static TheoryData<string, string, string> Cases()
    {
        var cases = new TheoryData<string, string, string>();
        foreach ((string operation, _) in KernelCatalog.Kernels)
        {
            foreach (Type element in KernelCatalog.ElementTypes)
            {
                cases.Add(operation, element.Name, "SM_80");
                cases.Add(operation, element.Name, "SM_90");
            }
        }

        return cases;
    }

    [Fact]
    public void Catalog_holds_every_operation()
    {
        // The catalog is found by reflection; this pins it so a renamed kernel cannot drop out unnoticed.
        Assert.Equal(
            ["BatchedGemm", "BatchedGram", "BatchedScale", "DiagonalOfProduct", "FrobeniusOfProduct", "TraceOfProduct"],
            KernelCatalog.Kernels.Select(kernel => kernel.Operation));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kernel_compiles_to_ptx(string operation, string element, string architecture)
    {
        string ptx = CompilePtx(operation, element, architecture);
        string header = string.Join(" | ", ptx.Split('\n').Where(line => line.StartsWith('.')).Take(3));
        output.WriteLine($"{operation}<{element}> {architecture}: {ptx.Length} characters of PTX, entry {EntryName(ptx)}; {header}");
        Assert.Contains(".entry ", ptx, StringComparison.Ordinal);

        // ILGPU 1.5.3 emits `.target sm_80` when asked for SM_90 (it caps the PTX target it writes); PTX for an older
        // target is valid input for a newer one, which the ptxas test below assembles with -arch=sm_90.
        Match target = Target().Match(ptx);
        Assert.True(target.Success, "no .target line in the PTX");
        Assert.InRange(int.Parse(target.Groups[1].Value, CultureInfo.InvariantCulture), 80, int.Parse(architecture[3..], CultureInfo.InvariantCulture));
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Ptx_assembles_with_ptxas(string operation, string element, string architecture)
    {
        string? ptxas = FindPtxas();
        Skip.If(ptxas is null, $"no ptxas: set {PtxasVariable} to its path or put it on PATH");
        string ptx = CompilePtx(operation, element, architecture);
        string directory = Directory.CreateTempSubdirectory("factoredgpu-ptx").FullName;
        try
        {
            string source = Path.Combine(directory, "kernel.ptx");
            File.WriteAllText(source, ptx);
            var start = new ProcessStartInfo(ptxas!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[] { $"-arch={architecture.ToLowerInvariant()}", "-v", source, "-o", Path.Combine(directory, "kernel.cubin") })
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            string report = process.StandardError.ReadToEnd() + stdout.Result;
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"ptxas failed for {operation}<{element}> {architecture}:\n{report}");

            // ptxas -v: "ptxas info    : Used 128 registers, ..." and "0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads".
            Match registers = Registers().Match(report), spills = Spills().Match(report);
            Assert.True(registers.Success, $"no register count in the ptxas report:\n{report}");
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{operation}<{element}> {architecture}: {registers.Groups[1].Value} registers, {(spills.Success ? spills.Groups[1].Value : "?")} bytes spill stores, {(spills.Success ? spills.Groups[2].Value : "?")} bytes spill loads"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Compiles one kernel in a context of its own: a failed compilation poisons the context it ran in.</summary>
    private static string CompilePtx(string operation, string element, string architecture)
    {
        var method = KernelCatalog.Kernels.Single(kernel => kernel.Operation == operation).Method
            .MakeGenericMethod(KernelCatalog.ElementTypes.Single(type => type.Name == element));
        CudaArchitecture target = architecture == "SM_80" ? CudaArchitecture.SM_80 : CudaArchitecture.SM_90;
        using var context = Context.Create(builder => builder.CPU());
        // No NVVM: ILGPU's own PTX generator, the one CudaAccelerator uses by default (the parameter is not annotated nullable).
        using var backend = new PTXBackend(context, target, CudaInstructionSet.ISA_78, nvvmAPI: null!);
        var entry = EntryPointDescription.FromExplicitlyGroupedKernel(method);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
        return compiled.PTXAssembly;
    }

    private static string EntryName(string ptx) => EntryPoint().Match(ptx) is { Success: true } match ? match.Groups[1].Value : "?";

    private static string? FindPtxas()
    {
        string? configured = Environment.GetEnvironmentVariable(PtxasVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            // A configured path that is wrong is a broken CI setup, not a machine without ptxas.
            Assert.True(File.Exists(configured), $"{PtxasVariable}={configured} does not exist");
            return configured;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, OperatingSystem.IsWindows() ? "ptxas.exe" : "ptxas"))
            .FirstOrDefault(File.Exists);
    }

    [GeneratedRegex(@"\.entry\s+([A-Za-z_$][\w$]*)")]
    private static partial Regex EntryPoint();

    [GeneratedRegex(@"\.target\s+sm_(\d+)")]
    private static partial Regex Target();

    [GeneratedRegex(@"Used (\d+) registers")]
    private static partial Regex Registers();

    [GeneratedRegex(@"(\d+) bytes spill stores, (\d+) bytes spill loads")]
    private static partial Regex Spills();
}
