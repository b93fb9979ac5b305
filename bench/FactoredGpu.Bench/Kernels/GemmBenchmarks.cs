using FactoredGpu.Bench.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace FactoredGpu.Bench.Kernels;

/// <summary>Batched GEMM <c>C = A·B</c>: <c>2·count·M·K·N</c> FLOPs.</summary>
public class GemmBenchmarks : KernelSuite
{
    protected override void RunKernel() => Backend.Gemm(1f, A, B, 0f, ResultBatch(M, N));

    protected override object Reduce(Matrix<float> product) => product;

    private protected override Work KernelWork() =>
        new(2.0 * Count * M * K * N, 4.0 * Count * (((double)M * K) + ((double)K * N) + ((double)M * N)));
}
