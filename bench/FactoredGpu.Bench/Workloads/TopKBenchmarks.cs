using BenchmarkDotNet.Attributes;
using FactoredGpu;
using FactoredGpu.Kernels;

namespace FactoredGpu.Bench.Workloads;

/// <summary>
/// W5: the top 5 tokens of every row of one head's full OV circuit, 50257×50257 (10 GB in float32 if formed), from its
/// factors <c>A = W_E·W_V</c> [50257×64] and <c>B = W_O·W_U</c> [64×50257] under the default 256 MiB budget.
/// </summary>
[MemoryDiagnoser]
public class TopKBenchmarks
{
    public const int Vocabulary = 50257;

    private IKernels _backend = null!;
    private StridedTensor<float> _a = null!, _b = null!;
    private FactoredMatrix<float> _fullOv = null!;

    [GlobalSetup]
    public void Setup()
    {
        _backend = Accelerators.Create(Accelerators.Resolve(null));
        var random = new Random(2024);

        // Products of N(0, 0.02²) weights are smaller; the scale does not change the work, only the values ranked.
        _a = StridedTensor<float>.FromArray(_backend, Gpt2Heads.Normal(random, Vocabulary * Gpt2Heads.DHead, 0.02f), Vocabulary, Gpt2Heads.DHead);
        _b = StridedTensor<float>.FromArray(_backend, Gpt2Heads.Normal(random, Gpt2Heads.DHead * Vocabulary, 0.02f), Gpt2Heads.DHead, Vocabulary);
        _fullOv = new FactoredMatrix<float>(_a, _b);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _fullOv.Dispose();
        _a.Dispose();
        _b.Dispose();
        _backend.Dispose();
    }

    [Benchmark(Description = "W5 TopK(5) of a 50257² full OV circuit, 256 MiB budget")]
    public int[] TopK5()
    {
        using var top = _fullOv.TopK(5);
        return top.Indices;
    }
}
