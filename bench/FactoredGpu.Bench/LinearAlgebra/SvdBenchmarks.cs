using BenchmarkDotNet.Attributes;
using FactoredGpu.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra;

namespace FactoredGpu.Bench.LinearAlgebra;

/// <summary>
/// The host factorizations behind FactoredMatrix on GPT-2 small's 144 attention heads (d_head 64, d_model 768):
/// singular values of the 64×64 cores against a MathNet SVD loop, Cholesky of the 64×64 Grams, and thin QR of
/// the 768×64 factors.
/// </summary>
[MemoryDiagnoser]
public class SvdBenchmarks
{
    private const int Heads = 144, HeadSize = 64, ModelSize = 768;

    private double[] _cores = [];
    private double[] _grams = [];
    private double[] _factors = [];
    private double[] _values = [];
    private double[] _lower = [];
    private bool[] _positiveDefinite = [];
    private double[] _q = [];
    private double[] _r = [];
    private Matrix<double>[] _mathNetCores = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _cores = Enumerable.Range(0, Heads * HeadSize * HeadSize).Select(_ => random.NextDouble() - 0.5).ToArray();
        _factors = Enumerable.Range(0, Heads * ModelSize * HeadSize).Select(_ => random.NextDouble() - 0.5).ToArray();
        _mathNetCores = Enumerable.Range(0, Heads)
            .Select(h => Matrix<double>.Build.DenseOfRowMajor(HeadSize, HeadSize, _cores.AsSpan(h * HeadSize * HeadSize, HeadSize * HeadSize).ToArray()))
            .ToArray();
        _grams = _mathNetCores.SelectMany(c => (c.TransposeThisAndMultiply(c) + Matrix<double>.Build.DenseIdentity(HeadSize)).ToRowMajorArray()).ToArray();
        _values = new double[Heads * HeadSize];
        _lower = new double[Heads * HeadSize * HeadSize];
        _positiveDefinite = new bool[Heads];
        _q = new double[Heads * ModelSize * HeadSize];
        _r = new double[Heads * HeadSize * HeadSize];
    }

    [Benchmark(Baseline = true, Description = "MathNet Svd loop, 144 × 64×64 values")]
    public double MathNetSingularValues()
    {
        double sum = 0;
        foreach (var core in _mathNetCores)
        {
            sum += core.Svd(computeVectors: false).S[0];
        }

        return sum;
    }

    [Benchmark(Description = "BatchedSvd.SingularValues, 144 × 64×64")]
    public double SingularValues()
    {
        BatchedSvd.SingularValues(_cores, HeadSize, HeadSize, Heads, _values);
        return _values[0];
    }

    [Benchmark(Description = "BatchedCholesky, 144 × 64×64")]
    public double Cholesky()
    {
        BatchedCholesky.Decompose(_grams, HeadSize, Heads, _lower, _positiveDefinite);
        return _lower[0];
    }

    [Benchmark(Description = "BatchedQr, 144 × 768×64")]
    public double Qr()
    {
        BatchedQr.Decompose(_factors, ModelSize, HeadSize, Heads, _q, _r);
        return _r[0];
    }
}
