using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>Batched <c>tr(A·B) = Σᵢₖ Aᵢₖ·Bₖᵢ</c> without forming the product: one group per batch element.</summary>
/// <remarks>Accumulates in <c>T</c>: float traces are summed in float, in a fixed order (256 strided partial sums, then a tree).</remarks>
internal static class TraceOfProduct
{
    internal static void Kernel<T>(BatchOperand<T> a, BatchOperand<T> b, ArrayView<T> result)
        where T : unmanaged, INumber<T>
    {
        ArrayView<T> scratch = SharedMemory.Allocate<T>(GroupSum.Threads);
        int batch = Grid.IdxX, inner = a.Cols;
        long entries = (long)a.Rows * inner;
        T partial = default;
        for (long e = Group.IdxX; e < entries; e += GroupSum.Threads)
        {
            int i = (int)(e / inner), k = (int)(e - ((long)i * inner));
            partial += a.Data[a.At(batch, i, k)] * b.Data[b.At(batch, k, i)];
        }

        T total = GroupSum.Sum(scratch, partial);
        if (Group.IdxX == 0)
        {
            result[batch] = total;
        }
    }

    /// <summary>The loaded kernel for one element type and its launch geometry.</summary>
    internal sealed class Launcher<T>
        where T : unmanaged, INumber<T>
    {
        private readonly Action<KernelConfig, BatchOperand<T>, BatchOperand<T>, ArrayView<T>> _kernel;

        public Launcher(Accelerator accelerator) =>
            _kernel = accelerator.LoadStreamKernel<BatchOperand<T>, BatchOperand<T>, ArrayView<T>>(Kernel);

        /// <summary>Enqueues the traces on the default stream; the caller synchronizes.</summary>
        public void Run(int count, BatchOperand<T> a, BatchOperand<T> b, ArrayView<T> result)
        {
            if (count > 0)
            {
                _kernel(new KernelConfig(count, GroupSum.Threads), a, b, result);
            }
        }
    }
}
