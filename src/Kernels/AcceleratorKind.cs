namespace FactoredGpu.Kernels;

/// <summary>The compute backends FactoredGpu can run on, selected by <c>--accelerator</c> everywhere.</summary>
public enum AcceleratorKind
{
    /// <summary>CUDA if present, else OpenCL, else the host SIMD backend.</summary>
    Auto,

    /// <summary>The host SIMD backend: Vector512/256/128 kernels on all cores. Always present.</summary>
    Cpu,

    /// <summary>ILGPU kernels on an NVIDIA GPU through CUDA.</summary>
    Cuda,

    /// <summary>ILGPU kernels on an OpenCL 2.0 device with generic address space support.</summary>
    OpenCL,

    /// <summary>ILGPU's CPU accelerator running the GPU kernels on CPU threads: for checking kernel logic, not for speed.</summary>
    IlgpuCpu,
}
