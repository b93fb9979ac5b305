using FactoredGpu.Bench.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace FactoredGpu.Bench.Kernels;

/// <summary>
/// Batched Gram <c>A·Aᵀ</c> (M×M, inner K), symmetric: <c>count·M·(M+1)·K</c> FLOPs for the upper triangle. MathNet's
/// route is its dense <c>A·B</c> of the same shapes (a general product; MathNet has no batched symmetric rank-k update).
/// </summary>
public class GramBenchmarks : KernelSuite
{
    protected override void RunKernel() => Backend.Gram(A.Transpose(), ResultBatch(M, M));

    protected override object Reduce(Matrix<float> product) => product;

    private protected override Work KernelWork() =>
        new((double)Count * M * (M + 1) * K, 4.0 * Count * (((double)M * K) + ((double)M * M)));
}
