using System.Numerics;

namespace FactoredGpu.Kernels.Host;

/// <summary>Host batched Gram. PLACEHOLDER: via the GEMM.</summary>
internal static class BatchedGram
{
    public static void Run<T>(in MatrixBatch<T> x, in MatrixBatch<T> gram)
        where T : unmanaged, IFloatingPointIeee754<T> => BatchedGemm.Run(T.One, x.Transpose(), x, T.Zero, gram);
}
