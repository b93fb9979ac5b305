namespace FactoredGpu.Kernels;

/// <summary>
/// The compute backends FactoredGpu can run on, selected everywhere by one flag: <c>--accelerator</c> on the command
/// line, the <c>FACTOREDGPU_ACCELERATOR</c> environment variable, or this enum in the API.
/// </summary>
public enum AcceleratorKind
{
    /// <summary>CUDA if a usable device is present, else OpenCL, else the host SIMD backend (<see cref="Cpu"/>).</summary>
    Auto,

    /// <summary>The host SIMD backend: Vector512/256/128 kernels on all cores. Always present; the fast path without a GPU.</summary>
    Cpu,

    /// <summary>ILGPU kernels on an NVIDIA GPU through CUDA.</summary>
    Cuda,

    /// <summary>ILGPU kernels on an OpenCL 2.0 device with generic address space support.</summary>
    OpenCL,

    /// <summary>ILGPU's CPU accelerator running the GPU kernels on CPU threads: for checking kernel logic, not for speed.</summary>
    IlgpuCpu,
}
