using BenchmarkDotNet.Attributes;
using FactoredGpu;
using FactoredGpu.Bench.Infrastructure;
using FactoredGpu.Bench.Workloads;

namespace FactoredGpu.Bench.Kernels;

/// <summary>
/// Streaming top-k: the 5 largest entries of every row of one head's full OV circuit, 50257×50257 (10 GB if formed),
/// from its factors <c>A</c> [50257×64] and <c>B</c> [64×50257], under the default 256 MiB budget. The baseline is
/// the dense route: form a block of rows of <c>A·B</c> with our GEMM, then sort each row on the host.
/// </summary>
/// <remarks>
/// Rows run: ours all 50257 (quick mode 1/16); the dense route 1024 (quick mode 256); the full-size time column scales
/// both. Not run on ILGPU's CPU accelerator: 32 rows took 33 s there. FLOPs count the tiles' GEMM only (<c>2·rows·64·V</c>); the selection is comparisons.
/// </remarks>
[MemoryDiagnoser]
public class TopKBenchmarks : Suite
{
    private const int Vocabulary = 50257, DHead = 64, Top = 5, DenseRows = 1024, QuickDenseRows = 256, QuickSlice = 16;

    private StridedTensor<float> _a = null!, _b = null!, _oursRows = null!, _denseRows = null!;

    [Benchmark(Description = "TopK(5) per row of the 50257² full OV from its factors"), Route(Route.Ours)]
    public int[] TopK()
    {
        using var fullOv = new FactoredMatrix<float>(_oursRows, _b);
        using var top = fullOv.TopK(Top);
        return top.Indices;
    }

    [Benchmark(Baseline = true, Description = "dense: rows of A·B, sort each row"), Route(Route.Dense)]
    public int[] Dense()
    {
        using var product = StridedTensor<float>.Matmul(_denseRows, _b);
        float[] rows = product.ToArray();
        var indices = new int[_denseRows.Dim(0) * Top];
        var order = new int[Vocabulary];
        var keys = new float[Vocabulary];
        for (int r = 0; r < _denseRows.Dim(0); r++)
        {
            for (int j = 0; j < Vocabulary; j++)
            {
                order[j] = j;
                keys[j] = -rows[((long)r * Vocabulary) + j];
            }

            Array.Sort(keys, order);
            order.AsSpan(0, Top).CopyTo(indices.AsSpan(r * Top));
        }

        return indices;
    }

    internal override Work Work(string method)
    {
        if (Size == RunSize.Tiny)
        {
            return Infrastructure.Work.Skip("32 rows took 33 s on ILGPU-CPU (~0.1 GFLOP/s); a full row sweep is 323 GFLOP");
        }

        double rows = Rows(method), v = Vocabulary;
        double bytes = method == nameof(TopK) ? 4 * ((rows * DHead) + (DHead * v)) : 4 * ((rows * DHead) + (DHead * v) + (2 * rows * v));
        return new Work(2 * rows * DHead * v, bytes, rows / v);
    }

    protected override void Prepare()
    {
        // Products of N(0, 0.02²) weights are smaller; the scale does not change the work, only the values ranked.
        _a = StridedTensor<float>.FromArray(Backend, RandomData.Normal(5, (long)Vocabulary * DHead, ModelShape.Sigma), Vocabulary, DHead);
        _b = StridedTensor<float>.FromArray(Backend, RandomData.Normal(6, (long)DHead * Vocabulary, ModelShape.Sigma), DHead, Vocabulary);
        _oursRows = _a.Index(TensorIndex.Slice(0, Rows(nameof(TopK))));
        _denseRows = _a.Index(TensorIndex.Slice(0, Rows(nameof(Dense))));
    }

    protected override void Release()
    {
        foreach (var tensor in new[] { _oursRows, _denseRows, _a, _b })
        {
            tensor.Dispose();
        }
    }

    private int Rows(string method) => (method, Size) switch
    {
        (nameof(Dense), RunSize.Quick) => QuickDenseRows,
        (nameof(Dense), _) => DenseRows,
        (_, RunSize.Quick) => Vocabulary / QuickSlice,
        _ => Vocabulary,
    };
}
