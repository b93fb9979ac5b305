using FactoredGpu.Bench.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace FactoredGpu.Bench.Kernels;

/// <summary>
/// <c>‖A·B‖²_F = Σ (AᵀA)∘(B·Bᵀ)</c> without the product: two K×K Grams, <c>count·K·(K+1)·(M+N) + 2·count·K²</c> FLOPs,
/// reading A and B once. MathNet's route forms <c>A·B</c> and takes its Frobenius norm.
/// </summary>
public class FrobeniusNormBenchmarks : KernelSuite
{
    protected override double ReductionFlops => 2.0 * M * N;

    protected override void RunKernel() => Backend.FrobeniusSquaredOfProduct(A, B, Result);

    protected override object Reduce(Matrix<float> product) => product.FrobeniusNorm();

    private protected override Work KernelWork() => new(
        (double)Count * K * (K + 1) * (M + N) + (2.0 * Count * K * K),
        4.0 * Count * (((double)M * K) + ((double)K * N)));
}
