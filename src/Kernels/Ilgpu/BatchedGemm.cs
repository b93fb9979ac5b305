using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>Batched <c>C = α·A·B + β·C</c> over arbitrary strides: one group per 64×64 tile of one output matrix.</summary>
internal static class BatchedGemm
{
    /// <summary>
    /// Group <c>g</c> computes tile <c>g mod tilesPerMatrix</c> of batch element <c>g div tilesPerMatrix</c>; the
    /// batch is folded into the one grid dimension so no grid limit bounds the batch size.
    /// </summary>
    internal static void Kernel<T>(BatchOperand<T> a, BatchOperand<T> b, BatchOperand<T> c, T alpha, T beta, int readC)
        where T : unmanaged, INumber<T>
    {
        ArrayView<T> aTile = SharedMemory.Allocate<T>(TiledProduct.SharedLength);
        ArrayView<T> bTile = SharedMemory.Allocate<T>(TiledProduct.SharedLength);
        int tilesAcross = TiledProduct.TilesFor(c.Cols), tilesPerMatrix = tilesAcross * TiledProduct.TilesFor(c.Rows);
        int batch = Grid.IdxX / tilesPerMatrix, tile = Grid.IdxX % tilesPerMatrix;
        TiledProduct.Run(
            a.Data, a.Offsets[batch], a.Strides,
            b.Data, b.Offsets[batch], b.Strides,
            c.Rows, a.Cols, c.Cols,
            (tile / tilesAcross) * TiledProduct.Tile, (tile % tilesAcross) * TiledProduct.Tile,
            aTile, bTile, new Output<T>(c, batch, alpha, beta, readC));
    }

    /// <summary>Writes <c>α·AB + β·C</c>, reading C only when β ≠ 0 (so NaNs in an unread C do not propagate).</summary>
    private readonly struct Output<T> : ITileStore<T>
        where T : unmanaged, INumber<T>
    {
        private readonly BatchOperand<T> _c;
        private readonly int _batch;
        private readonly T _alpha;
        private readonly T _beta;
        private readonly int _readC;

        public Output(BatchOperand<T> c, int batch, T alpha, T beta, int readC)
        {
            _c = c;
            _batch = batch;
            _alpha = alpha;
            _beta = beta;
            _readC = readC;
        }

        public void Store(int i, int j, T value)
        {
            long at = _c.At(_batch, i, j);
            T result = _alpha * value;
            if (_readC != 0)
            {
                result += _beta * _c.Data[at];
            }

            _c.Data[at] = result;
        }
    }

    /// <summary>The loaded kernel for one element type and its launch geometry.</summary>
    internal sealed class Launcher<T>
        where T : unmanaged, INumber<T>
    {
        private readonly Action<KernelConfig, BatchOperand<T>, BatchOperand<T>, BatchOperand<T>, T, T, int> _kernel;

        public Launcher(Accelerator accelerator) =>
            _kernel = accelerator.LoadStreamKernel<BatchOperand<T>, BatchOperand<T>, BatchOperand<T>, T, T, int>(Kernel);

        /// <summary>Enqueues the product on the default stream; the caller synchronizes.</summary>
        public void Run(int count, T alpha, BatchOperand<T> a, BatchOperand<T> b, T beta, BatchOperand<T> c)
        {
            long groups = (long)count * TiledProduct.TilesFor(c.Rows) * TiledProduct.TilesFor(c.Cols);
            if (groups == 0)
            {
                return;
            }

            _kernel(new KernelConfig(checked((int)groups), TiledProduct.Threads), a, b, c, alpha, beta, beta == T.Zero ? 0 : 1);
        }
    }
}
