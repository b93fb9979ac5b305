using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>Placeholder for the ILGPU backend, which is built in another branch and replaces this file at merge.</summary>
internal sealed class IlgpuKernels : IKernels
{
    private const string NotBuilt = "ILGPU backend not built in this branch";

    /// <summary>Always throws: the backend is not built in this branch. The caller keeps ownership on failure.</summary>
    /// <param name="context">The ILGPU context.</param>
    /// <param name="accelerator">The accelerator.</param>
    /// <param name="kind">The backend kind.</param>
    internal IlgpuKernels(Context context, Accelerator accelerator, AcceleratorKind kind) =>
        throw new NotSupportedException(NotBuilt);

    public AcceleratorKind Kind => throw new NotSupportedException(NotBuilt);

    public string DeviceName => throw new NotSupportedException(NotBuilt);

    public DeviceBuffer<T> Allocate<T>(long length)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException(NotBuilt);

    public void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer<T> destination, long destinationOffset)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException(NotBuilt);

    public void Download<T>(DeviceBuffer<T> source, long sourceOffset, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException(NotBuilt);

    public void Gemm<T>(T alpha, in MatrixBatch<T> a, in MatrixBatch<T> b, T beta, in MatrixBatch<T> c)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException(NotBuilt);

    public void Gram<T>(in MatrixBatch<T> x, in MatrixBatch<T> gram)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException(NotBuilt);

    public void FrobeniusSquaredOfProduct<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, DeviceBuffer<T> result)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException(NotBuilt);

    public void TraceOfProduct<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, DeviceBuffer<T> result)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException(NotBuilt);

    public void DiagonalOfProduct<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, DeviceBuffer<T> result)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException(NotBuilt);

    public void Scale<T>(T alpha, in MatrixBatch<T> source, in MatrixBatch<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException(NotBuilt);

    public void Dispose()
    {
    }
}
