using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>Receives the entries of one product tile; each kernel decides how to combine and where to write.</summary>
/// <typeparam name="T">The element type.</typeparam>
internal interface ITileStore<T>
    where T : unmanaged, INumber<T>
{
    /// <summary>Writes product entry <c>(i, j)</c>; called only for entries inside the product.</summary>
    void Store(int i, int j, T value);
}

/// <summary>
/// The shared-memory tile loop behind <see cref="BatchedGemm"/> and <see cref="BatchedGram"/>: one group of
/// <see cref="Threads"/> threads computes a <see cref="Tile"/>×<see cref="Tile"/> block of <c>A·B</c>, stepping
/// <see cref="Depth"/> inner indices at a time, each thread holding a 4×4 register block.
/// </summary>
/// <remarks>
/// A thread owns rows <c>ty + 16u</c> and columns <c>tx + 16v</c> (u, v in 0..3) of the tile, so the 16 threads of a
/// half-warp read consecutive shared-memory words. Out-of-range tile entries are loaded as zero, so awkward sizes
/// need no special path in the inner loop. The sum over the inner index runs in a fixed order: deterministic.
/// </remarks>
internal static class TiledProduct
{
    public const int Tile = 64;
    public const int Depth = 16;
    public const int Threads = 256;

    /// <summary>Shared elements per operand tile, <c>Depth × Tile</c>, stored inner-index major.</summary>
    public const int SharedLength = Depth * Tile;

    /// <summary>Number of tiles covering <paramref name="size"/> rows or columns.</summary>
    public static int TilesFor(int size) => (size + Tile - 1) / Tile;

    /// <summary>
    /// Computes the tile at (<paramref name="row0"/>, <paramref name="col0"/>) of the <c>rows×cols</c> product of
    /// A (<c>rows×inner</c>) and B (<c>inner×cols</c>) and hands each entry inside the product to <paramref name="store"/>.
    /// </summary>
    public static void Run<T, TStore>(
        ArrayView<T> a, long aOffset, Strides aStrides,
        ArrayView<T> b, long bOffset, Strides bStrides,
        int rows, int inner, int cols, int row0, int col0,
        ArrayView<T> aTile, ArrayView<T> bTile, TStore store)
        where T : unmanaged, INumber<T>
        where TStore : struct, ITileStore<T>
    {
        int tid = Group.IdxX, tx = tid & 15, ty = tid >> 4;
        T c00 = default, c01 = default, c02 = default, c03 = default;
        T c10 = default, c11 = default, c12 = default, c13 = default;
        T c20 = default, c21 = default, c22 = default, c23 = default;
        T c30 = default, c31 = default, c32 = default, c33 = default;
        for (int k0 = 0; k0 < inner; k0 += Depth)
        {
            // Four loads per operand per thread: element e = tid + 256q of the tile is (e mod 64, e div 64).
            for (int e = tid; e < SharedLength; e += Threads)
            {
                int t = e & (Tile - 1), k = e >> 6;
                T av = default, bv = default;
                if (row0 + t < rows && k0 + k < inner)
                {
                    av = a[aStrides.At(aOffset, row0 + t, k0 + k)];
                }

                if (col0 + t < cols && k0 + k < inner)
                {
                    bv = b[bStrides.At(bOffset, k0 + k, col0 + t)];
                }

                aTile[e] = av;
                bTile[e] = bv;
            }

            Group.Barrier();

            // ILGPU 1.5.3 does not unroll: the 4×4 block is written out by hand.
            for (int kk = 0; kk < Depth; kk++)
            {
                int s = kk * Tile;
                T a0 = aTile[s + ty], a1 = aTile[s + ty + 16], a2 = aTile[s + ty + 32], a3 = aTile[s + ty + 48];
                T b0 = bTile[s + tx], b1 = bTile[s + tx + 16], b2 = bTile[s + tx + 32], b3 = bTile[s + tx + 48];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }

            Group.Barrier();
        }

        int i = row0 + ty, j = col0 + tx;
        StoreRow(ref store, rows, cols, i, j, c00, c01, c02, c03);
        StoreRow(ref store, rows, cols, i + 16, j, c10, c11, c12, c13);
        StoreRow(ref store, rows, cols, i + 32, j, c20, c21, c22, c23);
        StoreRow(ref store, rows, cols, i + 48, j, c30, c31, c32, c33);
    }

    private static void StoreRow<T, TStore>(ref TStore store, int rows, int cols, int i, int j, T v0, T v1, T v2, T v3)
        where T : unmanaged, INumber<T>
        where TStore : struct, ITileStore<T>
    {
        if (i >= rows)
        {
            return;
        }

        if (j < cols)
        {
            store.Store(i, j, v0);
        }

        if (j + 16 < cols)
        {
            store.Store(i, j + 16, v1);
        }

        if (j + 32 < cols)
        {
            store.Store(i, j + 32, v2);
        }

        if (j + 48 < cols)
        {
            store.Store(i, j + 48, v3);
        }
    }
}
