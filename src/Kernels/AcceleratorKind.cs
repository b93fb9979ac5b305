namespace FactoredGpu.Kernels;

/// <summary>The compute backends FactoredGpu can run on.</summary>
public enum AcceleratorKind
{
    /// <summary>The host SIMD backend: Vector512/256/128 kernels on all cores. Always present.</summary>
    Cpu,
}
