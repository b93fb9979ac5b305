using System.Numerics;

namespace FactoredGpu.Kernels;

/// <summary>
/// The compute operations FactoredGpu needs, batched over leading dimensions, for <see cref="float"/> and
/// <see cref="double"/>. Every backend (host SIMD; ILGPU on CUDA, OpenCL and its CPU accelerator) implements this one interface.
/// </summary>
/// <remarks>
/// <para>Operands are <see cref="MatrixBatch{T}"/> views: broadcasting is a repeated offset, transposition swapped
/// strides. All operands of one call must have the same batch size and live in buffers of this backend.</para>
/// <para>Implementations are safe to call from several threads at once and deterministic: the same inputs give
/// bit-identical outputs on every run (reductions use a fixed partition and a fixed combination order).</para>
/// <para>Shape mismatches throw <see cref="ArgumentException"/> naming both shapes.</para>
/// </remarks>
public interface IKernels : IDisposable
{
    /// <summary>Which backend this is.</summary>
    AcceleratorKind Kind { get; }

    /// <summary>A human-readable device name, e.g. the CPU model or GPU name.</summary>
    string DeviceName { get; }

    /// <summary>Allocates a zeroed buffer of <paramref name="length"/> elements.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="length">The number of elements.</param>
    /// <returns>The new buffer, owned by the caller.</returns>
    /// <exception cref="InsufficientMemoryException">The buffer does not fit in the backend's memory.</exception>
    DeviceBuffer<T> Allocate<T>(long length)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Copies host data into a buffer.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">The host data.</param>
    /// <param name="destination">The buffer to write.</param>
    /// <param name="destinationOffset">The first element of <paramref name="destination"/> to write.</param>
    void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer<T> destination, long destinationOffset)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Copies buffer data to host memory.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">The buffer to read.</param>
    /// <param name="sourceOffset">The first element of <paramref name="source"/> to read.</param>
    /// <param name="destination">The host memory to fill; its length is the element count.</param>
    void Download<T>(DeviceBuffer<T> source, long sourceOffset, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Batched general matrix product <c>C[b] = α·A[b]·B[b] + β·C[b]</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">Left operands <c>[count × l×m]</c>; pass <see cref="MatrixBatch{T}.Transpose"/> for op = T.</param>
    /// <param name="b">Right operands <c>[count × m×r]</c>.</param>
    /// <param name="beta">Scale of the existing <paramref name="c"/>; when zero, <paramref name="c"/> is not read (NaNs in it do not propagate).</param>
    /// <param name="c">Outputs <c>[count × l×r]</c>; distinct, non-overlapping matrices.</param>
    /// <exception cref="ArgumentException">Inner sizes, output shape or batch sizes disagree.</exception>
    void Gemm<T>(T alpha, in MatrixBatch<T> a, in MatrixBatch<T> b, T beta, in MatrixBatch<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Batched Gram matrix <c>G[b] = X[b]ᵀ·X[b]</c>, exploiting symmetry (half the work).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="x">Inputs <c>[count × n×m]</c>. For <c>B·Bᵀ</c> pass <c>B.Transpose()</c>.</param>
    /// <param name="gram">Outputs <c>[count × m×m]</c>; both triangles are written.</param>
    /// <exception cref="ArgumentException">Shapes or batch sizes disagree.</exception>
    void Gram<T>(in MatrixBatch<T> x, in MatrixBatch<T> gram)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// Batched squared Frobenius norm of a product without forming it:
    /// <c>result[b] = ‖A[b]·B[b]‖²_F = Σ (A[b]ᵀA[b]) ∘ (B[b]B[b]ᵀ)</c>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="a">Left factors <c>[count × l×m]</c>.</param>
    /// <param name="b">Right factors <c>[count × m×r]</c>.</param>
    /// <param name="result">Output, <c>count</c> contiguous elements starting at 0.</param>
    /// <remarks>Broadcast factors (repeated offsets) have their Gram matrix computed once.</remarks>
    /// <exception cref="ArgumentException">Inner sizes or batch sizes disagree, or <paramref name="result"/> is too short.</exception>
    /// <exception cref="InsufficientMemoryException">The inner size is so large that an <c>m×m</c> Gram matrix does not fit in one buffer.</exception>
    void FrobeniusSquaredOfProduct<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, DeviceBuffer<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Batched trace of a product without forming it: <c>result[b] = tr(A[b]·B[b]) = Σᵢⱼ A[b]ᵢⱼ·B[b]ⱼᵢ</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="a">Left factors <c>[count × l×m]</c>.</param>
    /// <param name="b">Right factors <c>[count × m×l]</c>.</param>
    /// <param name="result">Output, <c>count</c> contiguous elements starting at 0.</param>
    /// <exception cref="ArgumentException">The product is not square, or batch sizes disagree.</exception>
    void TraceOfProduct<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, DeviceBuffer<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Batched diagonal of a product without forming it: <c>result[b, i] = Σₖ A[b]ᵢₖ·B[b]ₖᵢ</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="a">Left factors <c>[count × l×m]</c>.</param>
    /// <param name="b">Right factors <c>[count × m×r]</c>; the diagonal has <c>min(l, r)</c> entries.</param>
    /// <param name="result">Output <c>[count, min(l, r)]</c>, contiguous row-major starting at 0.</param>
    /// <exception cref="ArgumentException">Inner sizes or batch sizes disagree, or <paramref name="result"/> is too short.</exception>
    void DiagonalOfProduct<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, DeviceBuffer<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Batched scaled copy <c>D[b] = α·S[b]</c>: materializes strided or broadcast views, and scales.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="alpha">The scale.</param>
    /// <param name="source">Inputs, any strides.</param>
    /// <param name="destination">Outputs of the same shape; distinct, non-overlapping matrices.</param>
    /// <exception cref="ArgumentException">Shapes or batch sizes disagree.</exception>
    void Scale<T>(T alpha, in MatrixBatch<T> source, in MatrixBatch<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
