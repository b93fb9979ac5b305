using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>Batched strided scaled copy <c>D = α·S</c>: one thread per element, grid-strided.</summary>
internal static class BatchedScale
{
    private const int Threads = 256;

    /// <summary>Enough groups to fill a large GPU; more elements are covered by the grid-stride loop.</summary>
    private const int MaxGroups = 4096;

    internal static void Kernel<T>(BatchOperand<T> source, BatchOperand<T> destination, T alpha, long total)
        where T : unmanaged, INumber<T>
    {
        long perMatrix = (long)source.Rows * source.Cols;
        for (long e = Grid.GlobalIndex.X; e < total; e += (long)Grid.DimX * Group.DimX)
        {
            int batch = (int)(e / perMatrix);
            long within = e - (batch * perMatrix);
            int i = (int)(within / source.Cols), j = (int)(within - ((long)i * source.Cols));
            destination.Data[destination.At(batch, i, j)] = alpha * source.Data[source.At(batch, i, j)];
        }
    }

    /// <summary>The loaded kernel for one element type and its launch geometry.</summary>
    internal sealed class Launcher<T>
        where T : unmanaged, INumber<T>
    {
        private readonly Action<KernelConfig, BatchOperand<T>, BatchOperand<T>, T, long> _kernel;

        public Launcher(Accelerator accelerator) =>
            _kernel = accelerator.LoadStreamKernel<BatchOperand<T>, BatchOperand<T>, T, long>(Kernel);

        /// <summary>Enqueues the copy on the default stream; the caller synchronizes.</summary>
        public void Run(int count, T alpha, BatchOperand<T> source, BatchOperand<T> destination)
        {
            long total = (long)count * source.Rows * source.Cols;
            if (total == 0)
            {
                return;
            }

            int groups = (int)Math.Min((total + Threads - 1) / Threads, MaxGroups);
            _kernel(new KernelConfig(groups, Threads), source, destination, alpha, total);
        }
    }
}
