using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>
/// Batched <c>G = XᵀX</c>: only the upper-triangle 64×64 tiles are computed, each entry written to both halves,
/// so the result is exactly symmetric at half the work of a GEMM.
/// </summary>
internal static class BatchedGram
{
    /// <summary>Group <c>g</c> computes upper tile <c>g mod T(T+1)/2</c> (T tiles per side) of batch element <c>g div T(T+1)/2</c>.</summary>
    internal static void Kernel<T>(BatchOperand<T> x, BatchOperand<T> gram)
        where T : unmanaged, INumber<T>
    {
        ArrayView<T> aTile = SharedMemory.Allocate<T>(TiledProduct.SharedLength);
        ArrayView<T> bTile = SharedMemory.Allocate<T>(TiledProduct.SharedLength);
        int side = TiledProduct.TilesFor(gram.Rows), upperTiles = side * (side + 1) / 2;
        int batch = Grid.IdxX / upperTiles, tile = Grid.IdxX % upperTiles;

        // Row-major walk of the upper triangle: tile row r holds side - r tiles. At most `side` steps, no square root.
        int tileRow = 0;
        while (tile >= side - tileRow)
        {
            tile -= side - tileRow;
            tileRow++;
        }

        long offset = x.Offsets[batch];
        TiledProduct.Run(
            x.Data, offset, x.Strides.Transposed,
            x.Data, offset, x.Strides,
            gram.Rows, x.Rows, gram.Cols,
            tileRow * TiledProduct.Tile, (tileRow + tile) * TiledProduct.Tile,
            aTile, bTile, new Mirrored<T>(gram, batch));
    }

    /// <summary>
    /// Writes entries on or above the diagonal to both (i, j) and (j, i). Entries below it, which only diagonal tiles
    /// produce, are skipped: their mirror image is written by the thread holding (j, i).
    /// </summary>
    private readonly struct Mirrored<T> : ITileStore<T>
        where T : unmanaged, INumber<T>
    {
        private readonly BatchOperand<T> _gram;
        private readonly int _batch;

        public Mirrored(BatchOperand<T> gram, int batch)
        {
            _gram = gram;
            _batch = batch;
        }

        public void Store(int i, int j, T value)
        {
            if (i <= j)
            {
                _gram.Data[_gram.At(_batch, i, j)] = value;
                _gram.Data[_gram.At(_batch, j, i)] = value;
            }
        }
    }

    /// <summary>The loaded kernel for one element type and its launch geometry.</summary>
    internal sealed class Launcher<T>
        where T : unmanaged, INumber<T>
    {
        private readonly Action<KernelConfig, BatchOperand<T>, BatchOperand<T>> _kernel;

        public Launcher(Accelerator accelerator) =>
            _kernel = accelerator.LoadStreamKernel<BatchOperand<T>, BatchOperand<T>>(Kernel);

        /// <summary>Enqueues the Gram matrices on the default stream; the caller synchronizes.</summary>
        public void Run(int count, BatchOperand<T> x, BatchOperand<T> gram)
        {
            long side = TiledProduct.TilesFor(gram.Rows), groups = count * side * (side + 1) / 2;
            if (groups == 0)
            {
                return;
            }

            _kernel(new KernelConfig(checked((int)groups), TiledProduct.Threads), x, gram);
        }
    }
}
