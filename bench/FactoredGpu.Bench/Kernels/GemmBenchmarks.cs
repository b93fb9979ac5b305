using BenchmarkDotNet.Attributes;
using FactoredGpu.Kernels;
using FactoredGpu.Kernels.Host;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace FactoredGpu.Bench.Kernels;

/// <summary>
/// Host kernels on the two GPT-2 shapes that dominate the circuit analysis: the unembed-embed product
/// <c>W_U·W_E</c> (768×50257 · 50257×768) and the per-head product (144 × 64×768 · 768×64), in float.
/// </summary>
/// <remarks>
/// The baseline is MathNet.Numerics' managed GEMM. On the unembed shape it multiplies only a 768×3141 · 3141×768
/// slice (1/16 of the inner dimension, 1/16 of the work), since the full product takes minutes there: on that shape
/// divide the ratio column by 16.
/// The factored reductions use B as the left factor and A as the right one, i.e. the <c>K×K</c> matrix <c>B·A</c> with
/// inner size N (768 or 64): ‖B·A‖²_F via two Gram matrices, tr(B·A) and diag(B·A).
/// </remarks>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private const int BaselineSlice = 16;

    private IKernels _kernels = null!;
    private MatrixBatch<float> _a, _b, _c, _gram;
    private DeviceBuffer<float> _result = null!;
    private Matrix<float>[] _baselineA = [], _baselineB = [];

    /// <summary><c>count x M x K x N</c>.</summary>
    [Params("1x768x50257x768", "144x64x768x64")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        int[] s = Shape.Split('x').Select(int.Parse).ToArray();
        (int count, int m, int k, int n) = (s[0], s[1], s[2], s[3]);
        _kernels = Accelerators.Create(Accelerators.Resolve(null));
        var random = new Random(42);
        _a = Filled(count, m, k, random);
        _b = Filled(count, k, n, random);
        _c = MatrixBatch<float>.Contiguous(_kernels.Allocate<float>((long)count * m * n), count, m, n);
        _gram = MatrixBatch<float>.Contiguous(_kernels.Allocate<float>((long)count * m * m), count, m, m);
        _result = _kernels.Allocate<float>((long)count * k);

        Control.UseManaged();
        int depth = count == 1 ? k / BaselineSlice : k;
        _baselineA = [.. Enumerable.Range(0, count).Select(_ => Matrix<float>.Build.Random(m, depth, 1))];
        _baselineB = [.. Enumerable.Range(0, count).Select(_ => Matrix<float>.Build.Random(depth, n, 2))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (MatrixBatch<float> batch in new[] { _a, _b, _c, _gram })
        {
            batch.Buffer.Dispose();
        }

        _result.Dispose();
        _kernels.Dispose();
    }

    [Benchmark(Baseline = true)]
    public float MathNetManaged()
    {
        float last = 0;
        for (int i = 0; i < _baselineA.Length; i++)
        {
            last = _baselineA[i].Multiply(_baselineB[i])[0, 0];
        }

        return last;
    }

    [Benchmark]
    public void Gemm() => _kernels.Gemm(1f, _a, _b, 0f, _c);

    /// <summary><c>A·Aᵀ</c> (M×M, inner K).</summary>
    [Benchmark]
    public void Gram() => _kernels.Gram(_a.Transpose(), _gram);

    [Benchmark]
    public void FrobeniusSquaredOfProduct() => _kernels.FrobeniusSquaredOfProduct(_b, _a, _result);

    [Benchmark]
    public void TraceOfProduct() => _kernels.TraceOfProduct(_b, _a, _result);

    [Benchmark]
    public void DiagonalOfProduct() => _kernels.DiagonalOfProduct(_b, _a, _result);

    private MatrixBatch<float> Filled(int count, int rows, int cols, Random random)
    {
        float[] host = new float[(long)count * rows * cols];
        for (long i = 0; i < host.LongLength; i++)
        {
            host[i] = (float)((random.NextDouble() * 2) - 1);
        }

        DeviceBuffer<float> buffer = _kernels.Allocate<float>(host.LongLength);
        _kernels.Upload<float>(host, buffer, 0);
        return MatrixBatch<float>.Contiguous(buffer, count, rows, cols);
    }
}
