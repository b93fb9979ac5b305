using FactoredGpu.Kernels;
using Xunit;

namespace FactoredGpu.Tests.Kernels;

/// <summary>
/// One ILGPU backend shared by a whole test class (compiling the kernels dominates a small test), created the way users
/// get one (<see cref="Accelerators.Create"/>), or the reason none exists on this machine.
/// </summary>
public abstract class IlgpuBackendFixture : IDisposable
{
    private readonly IKernels? _kernels;

    protected IlgpuBackendFixture(AcceleratorKind kind)
    {
        try
        {
            _kernels = Accelerators.Create(kind);
        }
        catch (AcceleratorUnavailableException e)
        {
            Unavailable = e.Message;
        }
    }

    /// <summary>The backend; only valid when <see cref="Unavailable"/> is null.</summary>
    public IKernels Kernels => _kernels ?? throw new InvalidOperationException(Unavailable);

    /// <summary>Why no device exists, or null.</summary>
    public string? Unavailable { get; }

    public void Dispose()
    {
        _kernels?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>ILGPU's CPU accelerator posing as an NVIDIA GPU: 32-wide warps and groups of up to 1024 threads.</summary>
public sealed class IlgpuCpuFixture() : IlgpuBackendFixture(AcceleratorKind.IlgpuCpu);

/// <summary>The first usable CUDA device, if any.</summary>
public sealed class CudaFixture() : IlgpuBackendFixture(AcceleratorKind.Cuda);

/// <summary>The first OpenCL device ILGPU supports (OpenCL 2.0 with generic address space), if any.</summary>
public sealed class OpenClFixture() : IlgpuBackendFixture(AcceleratorKind.OpenCL);

/// <summary>The kernel tests on ILGPU's CPU accelerator: the GPU kernels' logic, barriers and bounds, on small sizes.</summary>
public sealed class IlgpuCpuKernelTests(IlgpuCpuFixture fixture) : KernelTests, IClassFixture<IlgpuCpuFixture>
{
    protected override IKernels Kernels => fixture.Kernels;

    protected override bool Small => true;

    protected override string? Unavailable => fixture.Unavailable;
}

/// <summary>The kernel tests on a CUDA GPU; skipped with the reason where none exists.</summary>
public sealed class CudaKernelTests(CudaFixture fixture) : KernelTests, IClassFixture<CudaFixture>
{
    protected override IKernels Kernels => fixture.Kernels;

    protected override string? Unavailable => fixture.Unavailable;
}

/// <summary>The kernel tests on an OpenCL GPU; skipped with the reason where none exists.</summary>
public sealed class OpenClKernelTests(OpenClFixture fixture) : KernelTests, IClassFixture<OpenClFixture>
{
    protected override IKernels Kernels => fixture.Kernels;

    protected override string? Unavailable => fixture.Unavailable;
}
