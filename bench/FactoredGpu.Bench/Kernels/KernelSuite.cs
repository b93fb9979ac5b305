using BenchmarkDotNet.Attributes;
using FactoredGpu.Bench.Infrastructure;
using FactoredGpu.Bench.Workloads;
using FactoredGpu.Kernels;
using MathNet.Numerics.LinearAlgebra;

namespace FactoredGpu.Bench.Kernels;

/// <summary>
/// A kernel suite over operands <c>A [count, M, K]</c> and <c>B [count, K, N]</c>, float, on the chosen accelerator:
/// <see cref="Kernel"/> runs our kernel, the baseline <see cref="MathNet"/> the same result by MathNet's managed dense
/// product of the same shapes.
/// </summary>
/// <remarks>
/// Shapes: the per-head product <c>W_O·W_V</c> (144 × 64×768·768×64), the OV circuit itself (144 × 768×64·64×768),
/// <c>W_U·W_E</c> (768×50257·50257×768) and an awkward one (257 and 129: one past a power of two; an odd batch).
/// MathNet runs a stated part: 1/64 of the inner dimension of <c>W_U·W_E</c> (minutes otherwise), and in quick mode
/// 1/256 of it and 1/48 of a 144-batch; the full-size time column scales it.
/// </remarks>
public abstract class KernelSuite : Suite
{
    private const int LargeDepthSlice = 64, QuickLargeDepthSlice = 256, QuickBatchSlice = 48;
    private const double TinyFlopLimit = 0.2e9;

    private Matrix<float>[] _managedA = [], _managedB = [];

    /// <summary><c>count x M x K x N</c>.</summary>
    [Params("144x64x768x64", "144x768x64x768", "1x768x50257x768", "7x257x129x257")]
    public string Shape { get; set; } = "7x257x129x257";

    protected int Count => Dimensions[0];

    protected int M => Dimensions[1];

    protected int K => Dimensions[2];

    protected int N => Dimensions[3];

    protected MatrixBatch<float> A { get; private set; }

    protected MatrixBatch<float> B { get; private set; }

    /// <summary>Output space for any kernel of the suite: <c>count·M·max(M, N)</c> elements (the GEMM or Gram output).</summary>
    protected DeviceBuffer<float> Result { get; private set; } = null!;

    private int[] Dimensions => [.. Shape.Split('x').Select(int.Parse)];

    private int ManagedDepth => K <= 8 * 1024 ? K : K / (Size == RunSize.Full ? LargeDepthSlice : QuickLargeDepthSlice);

    private int ManagedCount => Size != RunSize.Full && Count >= QuickBatchSlice ? Count / QuickBatchSlice : Count;

    [Benchmark(Baseline = true), Route(Route.MathNet)]
    public object MathNet()
    {
        ThrowIfSkipped();
        object last = 0f;
        for (int i = 0; i < _managedA.Length; i++)
        {
            last = Reduce(_managedA[i] * _managedB[i]);
        }

        return last;
    }

    [Benchmark, Route(Route.Ours)]
    public void Kernel()
    {
        ThrowIfSkipped();
        RunKernel();
    }

    /// <summary>Runs the kernel on the whole batch.</summary>
    protected abstract void RunKernel();

    /// <summary>MathNet's way to the same result from the dense product (the product itself for GEMM).</summary>
    protected abstract object Reduce(Matrix<float> product);

    /// <summary>The work of <see cref="RunKernel"/>, from the shape.</summary>
    private protected abstract Work KernelWork();

    /// <summary>Why the kernel does not apply to this shape, or <see langword="null"/>.</summary>
    private protected virtual string? NotApplicable => null;

    /// <summary>FLOPs MathNet's route spends beyond the GEMM on one <c>M×N</c> product.</summary>
    protected virtual double ReductionFlops => 0;

    internal override Work Work(string method)
    {
        double gemmFlops = 2.0 * Count * M * K * N;
        if (Size == RunSize.Tiny && gemmFlops > TinyFlopLimit)
        {
            return Infrastructure.Work.Skip($"{gemmFlops / 1e9:0.0} GFLOP: minutes at ILGPU-CPU's ~0.1 GFLOP/s");
        }

        if (NotApplicable is { } reason)
        {
            return Infrastructure.Work.Skip(reason);
        }

        if (method == nameof(Kernel))
        {
            return KernelWork();
        }

        double count = ManagedCount, depth = ManagedDepth;
        return new Work(
            count * ((2.0 * M * depth * N) + ReductionFlops),
            4 * count * ((M * depth) + (depth * N) + ((double)M * N)),
            count / Count * depth / K);
    }

    protected override void Prepare()
    {
        A = Upload(1, Count, M, K);
        B = Upload(2, Count, K, N);
        Result = Backend.Allocate<float>((long)Count * M * Math.Max(M, N));
        _managedA = [.. Enumerable.Range(0, ManagedCount).Select(i => Matrix<float>.Build.Random(M, ManagedDepth, i))];
        _managedB = [.. Enumerable.Range(0, ManagedCount).Select(i => Matrix<float>.Build.Random(ManagedDepth, N, ManagedCount + i))];
    }

    protected override void Release()
    {
        A.Buffer.Dispose();
        B.Buffer.Dispose();
        Result.Dispose();
    }

    /// <summary>The first <c>count</c> matrices of <see cref="Result"/>, <paramref name="rows"/>×<paramref name="cols"/> each.</summary>
    protected MatrixBatch<float> ResultBatch(int rows, int cols) => MatrixBatch<float>.Contiguous(Result, Count, rows, cols);

    private MatrixBatch<float> Upload(int seed, int count, int rows, int cols)
    {
        float[] data = RandomData.Uniform(seed, (long)count * rows * cols);
        DeviceBuffer<float> buffer = Backend.Allocate<float>(data.LongLength);
        Backend.Upload<float>(data, buffer, 0);
        return MatrixBatch<float>.Contiguous(buffer, count, rows, cols);
    }
}
