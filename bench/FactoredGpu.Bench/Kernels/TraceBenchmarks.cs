using FactoredGpu.Bench.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace FactoredGpu.Bench.Kernels;

/// <summary>
/// <c>tr(A·B) = Σᵢⱼ Aᵢⱼ·Bⱼᵢ</c> without the product (every suite shape has M = N): <c>2·count·M·K</c> FLOPs over
/// <c>8·count·M·K</c> bytes, memory-bound. MathNet's route forms <c>A·B</c> and takes its trace.
/// </summary>
public class TraceBenchmarks : KernelSuite
{
    protected override double ReductionFlops => M;

    protected override void RunKernel() => Backend.TraceOfProduct(A, B, Result);

    protected override object Reduce(Matrix<float> product) => product.Trace();

    private protected override Work KernelWork() => new(2.0 * Count * M * K, 8.0 * Count * M * K);
}
