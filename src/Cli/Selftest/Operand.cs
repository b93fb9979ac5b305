using System.Numerics;
using FactoredGpu.Kernels;

namespace FactoredGpu.Cli.Selftest;

/// <summary>
/// A self-test input: a batch of <c>count</c> logical <c>rows×cols</c> matrices in float64, uniform in [-1, 1) from a
/// fixed seed, uploaded either row-major or column-major (a transposed view), and either one per batch entry or one
/// matrix broadcast to all (repeated offsets).
/// </summary>
internal sealed class Operand
{
    private readonly double[] _values;

    public Operand(int count, int rows, int cols, int seed, bool columnMajor = false, bool broadcast = false)
    {
        (Count, Rows, Cols, ColumnMajor, Broadcast) = (count, rows, cols, columnMajor, broadcast);
        var random = new Random(seed);
        _values = new double[(broadcast ? 1 : count) * rows * cols];
        for (int i = 0; i < _values.Length; i++)
        {
            _values[i] = 2 * random.NextDouble() - 1;
        }
    }

    public int Count { get; }

    public int Rows { get; }

    public int Cols { get; }

    public bool ColumnMajor { get; }

    public bool Broadcast { get; }

    /// <summary>Element (i, j) of batch entry <paramref name="batch"/>, or its magnitude.</summary>
    public double At(int batch, int i, int j, bool magnitude)
    {
        double value = _values[((Broadcast ? 0 : batch) * Rows + i) * Cols + j];
        return magnitude ? Math.Abs(value) : value;
    }

    /// <summary>Uploads to a new buffer of <paramref name="kernels"/> (added to <paramref name="owned"/>) and views it.</summary>
    public MatrixBatch<T> Upload<T>(IKernels kernels, ICollection<IDisposable> owned)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = Rows * Cols;
        var stored = new T[_values.Length];
        for (int m = 0; m < _values.Length / size; m++)
        {
            for (int i = 0; i < Rows; i++)
            {
                for (int j = 0; j < Cols; j++)
                {
                    stored[m * size + (ColumnMajor ? j * Rows + i : i * Cols + j)] = T.CreateChecked(_values[m * size + i * Cols + j]);
                }
            }
        }

        var buffer = kernels.Allocate<T>(stored.Length);
        owned.Add(buffer);
        kernels.Upload<T>(stored, buffer, 0);
        long[] offsets = Enumerable.Range(0, Count).Select(b => Broadcast ? 0L : (long)b * size).ToArray();
        return ColumnMajor ? new(buffer, offsets, Rows, Cols, 1, Rows) : new(buffer, offsets, Rows, Cols, Cols, 1);
    }
}
