using BenchmarkDotNet.Attributes;
using FactoredGpu.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra;

namespace FactoredGpu.Bench.LinearAlgebra;

/// <summary>
/// The eigenvalues of GPT-2 small's 144 OV circuits (12 layers × 12 heads), each W_O·W_V = B·A with B 64×768 and
/// A 768×64, entries ~ N(0, 0.02²): dense, non-symmetric 64×64 matrices.
/// </summary>
[MemoryDiagnoser]
public class EigenvaluesBenchmarks
{
    private const int Order = 64, Heads = 144, ModelWidth = 768;

    private Matrix<double>[] _circuits = [];
    private double[] _matrices = [];
    private double[] _real = [];
    private double[] _imag = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2024);
        double Normal() => 0.02 * Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());

        _circuits = new Matrix<double>[Heads];
        _matrices = new double[Heads * Order * Order];
        for (int head = 0; head < Heads; head++)
        {
            var b = Matrix<double>.Build.Dense(Order, ModelWidth, (_, _) => Normal());
            var a = Matrix<double>.Build.Dense(ModelWidth, Order, (_, _) => Normal());
            _circuits[head] = b * a;
            _circuits[head].ToRowMajorArray().CopyTo(_matrices, head * Order * Order);
        }

        _real = new double[Heads * Order];
        _imag = new double[Heads * Order];
    }

    /// <summary>What TransformerLens does (torch.linalg.eig): a full eigendecomposition, vectors included, one matrix at a time.</summary>
    [Benchmark(Baseline = true)]
    public double MathNetEvd()
    {
        double sum = 0.0;
        foreach (var circuit in _circuits)
        {
            sum += circuit.Evd().EigenValues[0].Real;
        }

        return sum;
    }

    [Benchmark]
    public double Batched()
    {
        BatchedEigenvalues.Compute(_matrices, Order, Heads, _real, _imag);
        return _real[0];
    }
}
