using BenchmarkDotNet.Attributes;
using FactoredGpu;
using FactoredGpu.Kernels;

namespace FactoredGpu.Bench.Workloads;

/// <summary>
/// W3: copying scores of the 144 GPT-2-small full OV circuits <c>W_E·W_V·W_O·W_U</c> ([12, 12, 50257, 50257]) from a
/// lazy <see cref="MatrixChain{TScalar}"/>: the eigenvalues need only <c>W_O·(W_U·W_E)·W_V</c> (64×64 per head), with
/// the 768×768 <c>W_U·W_E</c> (≈59 GFLOP) computed once for all heads. TransformerLens's route builds two
/// [12, 12, 50257, 64] factors (1.85 GB each, ≈711 GFLOP) and is not run here.
/// </summary>
[MemoryDiagnoser]
public class FullOvBenchmarks
{
    public const int Vocabulary = 50257;

    private IKernels _backend = null!;
    private StridedTensor<float> _we = null!, _wv = null!, _wo = null!, _wu = null!;
    private MatrixChain<float> _fullOv = null!;

    [GlobalSetup]
    public void Setup()
    {
        _backend = Accelerators.Create(Accelerators.Resolve(null));
        (_wv, _wo) = Gpt2Heads.Create(_backend);
        var random = new Random(2025);
        _we = StridedTensor<float>.FromArray(_backend, Gpt2Heads.Normal(random, Vocabulary * Gpt2Heads.DModel, 0.02f), Vocabulary, Gpt2Heads.DModel);
        _wu = StridedTensor<float>.FromArray(_backend, Gpt2Heads.Normal(random, Gpt2Heads.DModel * Vocabulary, 0.02f), Gpt2Heads.DModel, Vocabulary);
        _fullOv = MatrixChain<float>.Of(_we, _wv, _wo, _wu);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _fullOv.Dispose();
        foreach (var tensor in new[] { _we, _wv, _wo, _wu })
        {
            tensor.Dispose();
        }

        _backend.Dispose();
    }

    [Benchmark(Description = "W3 full-OV copying scores: chain Eigenvalues() via W_O·(W_U·W_E)·W_V")]
    public float[] W3()
    {
        using var eigen = _fullOv.Eigenvalues();
        return Gpt2Heads.CopyingScores(eigen.Real.ToArray(), eigen.Imaginary.ToArray(), Gpt2Heads.DHead);
    }
}
