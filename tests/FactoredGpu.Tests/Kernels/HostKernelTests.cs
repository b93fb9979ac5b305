using FactoredGpu.Kernels;
using FactoredGpu.Kernels.Host;

namespace FactoredGpu.Tests.Kernels;

/// <summary>The kernel tests on the host SIMD backend.</summary>
public sealed class HostKernelTests : KernelTests
{
    protected override IKernels Kernels => HostKernels.Shared;
}
