using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>Batched <c>diag(A·B)ᵢ = Σₖ Aᵢₖ·Bₖᵢ</c> without forming the product: one group per diagonal entry.</summary>
/// <remarks>Accumulates in <c>T</c>, in a fixed order (256 strided partial sums, then a tree).</remarks>
internal static class DiagonalOfProduct
{
    internal static void Kernel<T>(BatchOperand<T> a, BatchOperand<T> b, ArrayView<T> result, int length)
        where T : unmanaged, INumber<T>
    {
        ArrayView<T> scratch = SharedMemory.Allocate<T>(GroupSum.Threads);
        int batch = Grid.IdxX / length, i = Grid.IdxX % length;
        T partial = default;
        for (int k = Group.IdxX; k < a.Cols; k += GroupSum.Threads)
        {
            partial += a.Data[a.At(batch, i, k)] * b.Data[b.At(batch, k, i)];
        }

        T total = GroupSum.Sum(scratch, partial);
        if (Group.IdxX == 0)
        {
            result[Grid.IdxX] = total;
        }
    }

    /// <summary>The loaded kernel for one element type and its launch geometry.</summary>
    internal sealed class Launcher<T>
        where T : unmanaged, INumber<T>
    {
        private readonly Action<KernelConfig, BatchOperand<T>, BatchOperand<T>, ArrayView<T>, int> _kernel;

        public Launcher(Accelerator accelerator) =>
            _kernel = accelerator.LoadStreamKernel<BatchOperand<T>, BatchOperand<T>, ArrayView<T>, int>(Kernel);

        /// <summary>Enqueues the diagonals, <c>[count, min(l, r)]</c> row-major, on the default stream; the caller synchronizes.</summary>
        public void Run(int count, BatchOperand<T> a, BatchOperand<T> b, ArrayView<T> result)
        {
            int length = Math.Min(a.Rows, b.Cols);
            long groups = (long)count * length;
            if (groups > 0)
            {
                _kernel(new KernelConfig(checked((int)groups), GroupSum.Threads), a, b, result, length);
            }
        }
    }
}
