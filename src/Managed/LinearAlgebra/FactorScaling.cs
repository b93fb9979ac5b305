using System.Numerics;

namespace FactoredGpu.LinearAlgebra;

/// <summary>
/// Scales the matrices of a factor by powers of two (exact in binary floating point) so that Gram matrices formed from
/// them, and products of those, stay far from overflow and underflow: the shared guard of every member that forms Grams
/// of factors (<c>AᵀA</c>, <c>B·Bᵀ</c>) in the element type, for badly scaled factors of a well-scaled product
/// (<c>(s·A, B/s)</c>).
/// </summary>
internal static class FactorScaling
{
    /// <summary>
    /// <paramref name="x"/> broadcast to the leading shape <paramref name="lead"/>, with each matrix whose Frobenius norm is
    /// outside <c>2^±limit</c> divided by the power of two of its largest magnitude (so its largest magnitude is in <c>[1, 2)</c>).
    /// </summary>
    /// <param name="x">The factor <c>[..., p, q]</c>; its leading dimensions broadcast to <paramref name="lead"/>.</param>
    /// <param name="lead">The leading shape of the result.</param>
    /// <param name="scales">
    /// Null when no matrix needed scaling (the result is then a view of <paramref name="x"/>); otherwise the power of two each
    /// result matrix was divided by, row-major over <paramref name="lead"/> (1 for a matrix left as it is, NaN for one holding a
    /// NaN or an infinity).
    /// </param>
    /// <returns>The scaled factor, owned by the caller.</returns>
    /// <remarks>
    /// One streaming pass computes <c>‖x‖²_F</c> per matrix in the element type; only when one is outside the range (zero, or
    /// not finite) is the factor expanded, scaled in float64 on the host and uploaded again. The limit is <c>2^8</c> for float and
    /// <c>2^64</c> for double, so a Gram of a product of a few such factors stays well inside the range of the element type.
    /// </remarks>
    public static StridedTensor<T> Normalize<T>(StridedTensor<T> x, int[] lead, out double[]? scales)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        scales = null;
        if (x.Length == 0 || InRange(x))
        {
            return x.BroadcastLeading(lead);
        }

        using var expanded = x.BroadcastLeading(lead);
        double[] data = HostDouble.From(expanded);
        int size = x.Dim(-2) * x.Dim(-1);
        scales = new double[data.Length / size];
        for (int h = 0; h < scales.Length; h++)
        {
            scales[h] = MatrixScaling.Normalize(data.AsSpan(h * size, size));
        }

        return HostDouble.To<T>(x.Backend, data, expanded.Shape.ToArray());
    }

    /// <summary>
    /// <paramref name="matrix"/> times a power of two per leading index, both factors normalized by
    /// <see cref="Normalize{T}(StridedTensor{T}, int[], out double[])"/>: for quantities that do not change when a matrix is
    /// multiplied by a number (composition scores).
    /// </summary>
    /// <param name="matrix">The factored matrix.</param>
    /// <returns>The scaled matrix, owned by the caller.</returns>
    public static FactoredMatrix<T> Normalize<T>(FactoredMatrix<T> matrix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] lead = matrix.LeadingShape.ToArray();
        using var a = Normalize(matrix.A, lead, out _);
        using var b = Normalize(matrix.B, lead, out _);
        return new FactoredMatrix<T>(a, b);
    }

    /// <summary>
    /// Whether every matrix's <c>‖x‖²_F</c>, computed in the element type, is finite and within <c>2^±2·limit</c>. A zero
    /// square may have underflowed, so it counts as out of range (the host pass tells a zero matrix from a tiny one).
    /// </summary>
    private static bool InRange<T>(StridedTensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int limit = typeof(T) == typeof(float) ? 8 : 64, count = checked((int)Shapes.Product(x.Shape[..^2]));
        var backend = x.Backend;
        using var transposed = x.Transpose();
        using var squares = backend.Allocate<T>(count);
        backend.TraceOfProduct(x.AsBatch(), transposed.AsBatch(), squares);
        var values = new T[count];
        backend.Download(squares, 0, values);
        double high = Math.ScaleB(1, 2 * limit), low = Math.ScaleB(1, -2 * limit);
        foreach (T value in values)
        {
            double square = double.CreateTruncating(value);
            if (!(square >= low && square <= high))
            {
                return false;
            }
        }

        return true;
    }
}
