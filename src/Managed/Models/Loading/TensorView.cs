namespace FactoredGpu.Models;

/// <summary>
/// How one TransformerLens tensor is cut from one stored Hugging Face tensor: the stored shape it requires, and a strided
/// view of the stored row-major elements (offset, shape, strides, in elements). Every family's conversion is a few of these.
/// </summary>
/// <param name="Stored">The shape the stored tensor must have.</param>
/// <param name="Offset">The first element of the view.</param>
/// <param name="Shape">The TransformerLens shape.</param>
/// <param name="Strides">The view's strides over the stored elements.</param>
internal sealed record TensorView(int[] Stored, long Offset, int[] Shape, long[] Strides)
{
    /// <summary>The tensor as stored.</summary>
    public static TensorView Whole(params int[] shape) => new(shape, 0, shape, StridedTensor<float>.ContiguousStrides(shape));

    /// <summary>A stored <c>[rows, cols]</c> matrix transposed to <c>[cols, rows]</c> (a Linear weight as TransformerLens's input-major matrix).</summary>
    public static TensorView Transposed(int rows, int cols) => new([rows, cols], 0, [cols, rows], [1, cols]);

    /// <summary>
    /// Heads <c>[count, d, dh]</c> from the output rows of a Linear weight <c>[rows, d]</c>:
    /// <c>W[h][m, e] = stored[first + h·headStride + e, m]</c>.
    /// </summary>
    public static TensorView LinearHeads(int rows, int d, int count, int dh, int first, int headStride) =>
        new([rows, d], (long)first * d, [count, d, dh], [(long)headStride * d, 1, d]);

    /// <summary>
    /// Heads <c>[count, d, dh]</c> from the output columns of a Conv1D weight <c>[d, cols]</c> (GPT-2):
    /// <c>W[h][m, e] = stored[m, first + h·headStride + e]</c>.
    /// </summary>
    public static TensorView Conv1DHeads(int d, int cols, int count, int dh, int first, int headStride) =>
        new([d, cols], first, [count, d, dh], [headStride, cols, 1]);

    /// <summary>Output heads <c>[H, dh, d]</c> from a Linear weight <c>[d, H·dh]</c>: <c>W_O[h][e, m] = stored[m, h·dh + e]</c>.</summary>
    public static TensorView LinearOutput(int d, int heads, int dh) => new([d, heads * dh], 0, [heads, dh, d], [dh, 1, (long)heads * dh]);

    /// <summary>Output heads <c>[H, dh, d]</c> from a Conv1D weight <c>[H·dh, d]</c> (GPT-2): the stored rows, grouped by head.</summary>
    public static TensorView Conv1DOutput(int d, int heads, int dh) => new([heads * dh, d], 0, [heads, dh, d], [(long)dh * d, d, 1]);

    /// <summary>Head biases <c>[count, dh]</c> from a bias vector: <c>b[h, e] = stored[first + h·headStride + e]</c>.</summary>
    public static TensorView BiasHeads(int length, int count, int dh, int first, int headStride) => new([length], first, [count, dh], [headStride, 1]);
}
