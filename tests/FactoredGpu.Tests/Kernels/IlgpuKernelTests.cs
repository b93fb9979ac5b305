using FactoredGpu.Kernels;
using FactoredGpu.Kernels.Ilgpu;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using Xunit;

namespace FactoredGpu.Tests.Kernels;

/// <summary>
/// One ILGPU backend shared by a whole test class (compiling the kernels dominates a small test), or the reason none
/// exists on this machine.
/// </summary>
public abstract class IlgpuBackendFixture : IDisposable
{
    private readonly IlgpuKernels? _kernels;

    /// <summary>Builds a context with <paramref name="configure"/> and the first device of the kind it registers.</summary>
    protected IlgpuBackendFixture(Action<Context.Builder> configure, AcceleratorKind kind, string missing)
    {
        Context? context = null;
        try
        {
            context = Context.Create(configure);
            Device? device = context.Devices.FirstOrDefault(d => d.AcceleratorType != AcceleratorType.CPU || kind == AcceleratorKind.IlgpuCpu);
            if (device is null)
            {
                Unavailable = missing;
                context.Dispose();
                return;
            }

            _kernels = new IlgpuKernels(context, device.CreateAccelerator(context), kind);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A missing driver surfaces as an exception from the device query.
            context?.Dispose();
            Unavailable = $"{missing} ({e.GetType().Name}: {e.Message})";
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
public sealed class IlgpuCpuFixture() : IlgpuBackendFixture(b => b.CPU(CPUDeviceKind.Nvidia), AcceleratorKind.IlgpuCpu, "no ILGPU CPU device");

/// <summary>The first CUDA device, if any.</summary>
public sealed class CudaFixture() : IlgpuBackendFixture(b => b.Cuda(), AcceleratorKind.Cuda, "no CUDA device on this machine");

/// <summary>The first OpenCL device ILGPU supports (OpenCL 2.0 with generic address space), if any.</summary>
public sealed class OpenClFixture() : IlgpuBackendFixture(b => b.OpenCL(), AcceleratorKind.OpenCL, "no OpenCL 2.0 device with generic address space on this machine");

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
