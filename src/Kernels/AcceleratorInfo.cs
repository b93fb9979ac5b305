namespace FactoredGpu.Kernels;

/// <summary>One accelerator <see cref="Accelerators.List"/> found, or a kind it found none of.</summary>
/// <param name="Kind">The backend kind.</param>
/// <param name="Name">The device name; for a kind with no device, <c>(none)</c>.</param>
/// <param name="MemoryBytes">The device memory in bytes (for the host backends, the memory available to this process); 0 when there is no device.</param>
/// <param name="WarpSize">The warp (subgroup) size; for <see cref="AcceleratorKind.Cpu"/>, the <see cref="float"/> SIMD lanes.</param>
/// <param name="MaxGroupSize">The most threads per group; for <see cref="AcceleratorKind.Cpu"/>, the hardware threads.</param>
/// <param name="Usable">Whether <see cref="Accelerators.Create"/> can run FactoredGpu's kernels on it.</param>
/// <param name="Reason">Why it is not usable; <see langword="null"/> when it is.</param>
public sealed record AcceleratorInfo(AcceleratorKind Kind, string Name, long MemoryBytes, int WarpSize, int MaxGroupSize, bool Usable, string? Reason);
