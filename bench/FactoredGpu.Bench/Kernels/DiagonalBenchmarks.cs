using FactoredGpu.Bench.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace FactoredGpu.Bench.Kernels;

/// <summary>
/// <c>diag(A·B)ᵢ = Σₖ Aᵢₖ·Bₖᵢ</c> without the product (every suite shape has M = N): <c>2·count·M·K</c> FLOPs over
/// <c>8·count·M·K</c> bytes, memory-bound. MathNet's route forms <c>A·B</c> and takes its diagonal.
/// </summary>
public class DiagonalBenchmarks : KernelSuite
{
    protected override void RunKernel() => Backend.DiagonalOfProduct(A, B, Result);

    protected override object Reduce(Matrix<float> product) => product.Diagonal();

    private protected override Work KernelWork() => new(2.0 * Count * M * K, (8.0 * Count * M * K) + (4.0 * Count * M));
}
