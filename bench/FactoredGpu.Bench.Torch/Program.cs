using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using FactoredGpu.Bench.Infrastructure;
using FactoredGpu.Bench.Kernels;
using FactoredGpu.Bench.Quick;
using FactoredGpu.Bench.Torch;
using FactoredGpu.Bench.Workloads;
using TorchSharp;
using Tl = FactoredGpu.Bench.Torch.TransformerLensOnTorch;

// The PyTorch baseline: TransformerLens's algorithms on libtorch (TorchSharp-cpu, oneMKL) against FactoredGpu's routes
// on the host backend, in one process, alternating call by call, on the quick benchmark's own data.
int rounds = 5;
string json = Path.Combine("bench", "torch-results.json");
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--rounds" && i + 1 < args.Length && int.TryParse(args[i + 1], out rounds) && rounds > 0)
    {
        i++;
    }
    else if (args[i] == "--json" && i + 1 < args.Length)
    {
        json = args[++i];
    }
    else
    {
        Console.Error.WriteLine($"FactoredGpu.Bench.Torch: unknown argument '{args[i]}'. Usage: [--rounds N (default 5)] [--json PATH]");
        return 2;
    }
}

try
{
    torch.set_num_threads(Environment.ProcessorCount);
}
catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException)
{
    Console.Error.WriteLine($"FactoredGpu.Bench.Torch: libtorch did not load ({e.Message}). On a libstdc++ older than GCC 13's, build this project on Linux (its build marks GLIBCXX_3.4.32 weak in the copied libLibTorchSharp.so: see weak-glibcxx.py).");
    return 2;
}

const string Ours = "Ours", TransformerLens = "libtorch: TransformerLens", OurPlan = "libtorch: our association";
var total = Stopwatch.StartNew();
Console.WriteLine($"PyTorch baseline: libtorch {torch.__version__} ({torch.get_num_threads()} threads) against FactoredGpu on cpu, {Environment.ProcessorCount} cores; load average {LoadAverage()}; measuring peaks...");
MachinePeak peak = MachinePeak.Current;
Console.WriteLine($"Host peaks: FMA fp32 Vector512 {peak.Fma512:0} GFLOP/s, Vector256 {peak.Fma256:0} GFLOP/s (all cores); read {peak.ReadBandwidth:0.0} GB/s");
var rows = new List<QuickRow>();

ModelShape model = ModelShape.Gpt2Small;
var ov = new OvCircuitBenchmarks { Accelerator = "cpu", Size = RunSize.Full };
ov.GlobalSetup();
var (wv, wo) = Tl.Ov(model);
rows.AddRange(Alternation.Run("W1 eigenvalues", [
    new(Ours, ov.Work(nameof(ov.W1)), ov.W1),
    new(TransformerLens, ov.Work(nameof(ov.W1TransformerLens)), () => Tl.EigenCopyingScores(wv, wo))], rounds, peak, Console.Out));
rows.AddRange(Alternation.Run("W2 singular values", [
    new(Ours, ov.Work(nameof(ov.W2)), ov.W2),
    new(TransformerLens, ov.Work(nameof(ov.W2TransformerLens)), () => Tl.SingularValues(wv, wo))], rounds, peak, Console.Out));
rows.AddRange(Alternation.Run("W2 norms", [
    new(Ours, ov.Work(nameof(ov.W2Norm)), ov.W2Norm),
    new(TransformerLens, ov.Work(nameof(ov.W2NormTransformerLens)), () => Tl.Norms(wv, wo))], rounds, peak, Console.Out));
ov.GlobalCleanup();

var fullOv = new FullOvBenchmarks { Accelerator = "cpu", Size = RunSize.Full, Model = model.Name };
fullOv.GlobalSetup();
var (we, wu) = Tl.Embeddings(model);
rows.AddRange(Alternation.Run($"FullOv {model.Name}", [
    new(Ours, fullOv.Work(nameof(fullOv.W3)), fullOv.W3),
    new(TransformerLens, fullOv.Work(nameof(fullOv.W3TransformerLens)), () => Tl.FullOvCopyingScores(we, wv, wo, wu)),
    new(OurPlan, fullOv.Work(nameof(fullOv.W3)), () => Tl.FullOvCopyingScoresOurPlan(we, wv, wo, wu))], Math.Min(rounds, 3), peak, Console.Out));
fullOv.GlobalCleanup();
foreach (var tensor in new[] { we, wv, wo, wu })
{
    tensor.Dispose();
}

// The quick bench's GEMM shapes: the values of KernelSuite.Shape's [Params].
foreach (string shape in typeof(KernelSuite).GetProperty(nameof(KernelSuite.Shape))!.GetCustomAttribute<ParamsAttribute>()!.Values.Cast<string>())
{
    var gemm = new GemmBenchmarks { Accelerator = "cpu", Size = RunSize.Full, Shape = shape };
    gemm.GlobalSetup();
    using var a = GemmOperand(1, shape, left: true);
    using var b = GemmOperand(2, shape, left: false);
    rows.AddRange(Alternation.Run($"Gemm {shape}", [
        new(Ours, gemm.Work(nameof(gemm.Kernel)), () => { gemm.Kernel(); return 0; }),
        new("libtorch: matmul", gemm.Work(nameof(gemm.Kernel)), () => Tl.Matmul(a, b))], rounds, peak, Console.Out));
    gemm.GlobalCleanup();
}

Console.WriteLine();
Console.WriteLine(QuickReport.Table(rows));
Console.WriteLine($"Times: best and median of {rounds} alternated calls after a warm-up of each (W3: {Math.Min(rounds, 3)}). × ours: median over ours' median. Peak mem: {PeakMemory.Method}.");
Console.WriteLine($"% FMA and % BW are of the host peaks above. Load average at the end {LoadAverage()}. Total {total.Elapsed.TotalSeconds:0} s.");
QuickReport.WriteJson(json, "cpu vs libtorch " + torch.__version__, $"{Environment.ProcessorCount} cores", peak, total.Elapsed.TotalSeconds, rows);
Console.WriteLine($"JSON: {Path.GetFullPath(json)}");
return 0;

// The quick bench's GEMM operand (KernelSuite: RandomData.Uniform with seed 1 for A, 2 for B) as a libtorch tensor; 2-D for a batch of one.
static torch.Tensor GemmOperand(int seed, string shape, bool left)
{
    int[] d = [.. shape.Split('x').Select(int.Parse)];
    int[] dims = left ? [d[0], d[1], d[2]] : [d[0], d[2], d[3]];
    return Tl.FromData(RandomData.Uniform(seed, (long)dims[0] * dims[1] * dims[2]), d[0] == 1 ? dims[1..] : dims);
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
