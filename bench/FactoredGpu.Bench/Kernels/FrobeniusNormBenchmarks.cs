using FactoredGpu.Bench.Infrastructure;
using FactoredGpu.Bench.Workloads;
using MathNet.Numerics.LinearAlgebra;

namespace FactoredGpu.Bench.Kernels;

/// <summary>
/// <c>‖A·B‖²_F = Σ (AᵀA)∘(B·Bᵀ)</c> without the product: two K×K Grams, <c>count·K·(K+1)·(M+N) + 2·count·K²</c> FLOPs,
/// reading A and B once. MathNet's route forms <c>A·B</c> and sums its squares.
/// </summary>
public class FrobeniusNormBenchmarks : KernelSuite
{
    protected override double ReductionFlops => 2.0 * M * N;

    protected override void RunKernel() => Backend.FrobeniusSquaredOfProduct(A, B, Result);

    protected override object Reduce(Matrix<float> product) => SumOfSquares.Norm(product);

    /// <summary>The Gram route needs a small inner dimension; with K above M or N its K×K Grams outweigh the product.</summary>
    private protected override string? NotApplicable => K > Math.Min(M, N)
        ? $"inner {K} > sides {M}, {N}: its K×K Grams cost more than the product"
        : null;

    private protected override Work KernelWork() => new(
        (double)Count * K * (K + 1) * (M + N) + (2.0 * Count * K * K),
        4.0 * Count * (((double)M * K) + ((double)K * N)));
}
