namespace FactoredGpu.Kernels.Host;

/// <summary>Where element <c>(r, c)</c> of a matrix lies in a flat array: <c>Offset + r·Row + c·Col</c>.</summary>
/// <param name="Offset">The index of element (0, 0).</param>
/// <param name="Row">The step from one row to the next.</param>
/// <param name="Col">The step from one column to the next.</param>
internal readonly record struct StridedLayout(long Offset, long Row, long Col)
{
    public long At(int r, int c) => Offset + (r * Row) + (c * Col);
}

/// <summary>
/// Copies a matrix between two strided layouts in 32×32 tiles, the row tiles spread over the cores: a copy that
/// transposes then reads and writes each cache line and page once per tile instead of once per element.
/// </summary>
internal static class TiledCopy
{
    private const int Tile = 32;

    /// <summary>Copies the <paramref name="rows"/>×<paramref name="cols"/> matrix at <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static void Run<T>(T[] source, StridedLayout from, T[] destination, StridedLayout to, int rows, int cols)
    {
        int rowTiles = (rows + Tile - 1) / Tile;
        HostParallel.For(rowTiles, (long)rows * cols, tile =>
        {
            int r0 = tile * Tile, rEnd = Math.Min(r0 + Tile, rows);
            for (int c0 = 0; c0 < cols; c0 += Tile)
            {
                int cEnd = Math.Min(c0 + Tile, cols);
                for (int r = r0; r < rEnd; r++)
                {
                    long read = from.At(r, c0), write = to.At(r, c0);
                    for (int c = c0; c < cEnd; c++, read += from.Col, write += to.Col)
                    {
                        destination[write] = source[read];
                    }
                }
            }
        });
    }
}
