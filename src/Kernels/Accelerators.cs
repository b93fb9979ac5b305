using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FactoredGpu.Kernels.Host;
using FactoredGpu.Kernels.Ilgpu;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace FactoredGpu.Kernels;

/// <summary>
/// Finds the accelerators on this machine and creates the backend for one of them: the one place that turns
/// <c>--accelerator</c>, <c>FACTOREDGPU_ACCELERATOR</c> or an <see cref="AcceleratorKind"/> into an <see cref="IKernels"/>.
/// </summary>
/// <remarks>
/// Probing never throws for a missing driver or runtime (no CUDA driver, no OpenCL loader or platform): such a kind is
/// listed as not usable, with the reason.
/// </remarks>
public static class Accelerators
{
    /// <summary>The environment variable that picks the accelerator when no option does: <c>FACTOREDGPU_ACCELERATOR</c>.</summary>
    public const string EnvironmentVariable = "FACTOREDGPU_ACCELERATOR";

    private static readonly (string Name, AcceleratorKind Kind)[] Names =
    [
        ("auto", AcceleratorKind.Auto),
        ("cpu", AcceleratorKind.Cpu),
        ("cuda", AcceleratorKind.Cuda),
        ("opencl", AcceleratorKind.OpenCL),
        ("ilgpu-cpu", AcceleratorKind.IlgpuCpu),
    ];

    // ILGPU's CPU device reports long.MaxValue; both CPU backends have what the process may use.
    private static long HostMemory => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>The names <see cref="Parse"/> accepts, comma-separated: <c>auto, cpu, cuda, opencl, ilgpu-cpu</c>.</summary>
    public static string ValidNames { get; } = string.Join(", ", Names.Select(n => n.Name));

    /// <summary>The command-line name of a kind, e.g. <c>ilgpu-cpu</c> for <see cref="AcceleratorKind.IlgpuCpu"/>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The name <see cref="Parse"/> reads back.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined value.</exception>
    public static string Name(AcceleratorKind kind)
    {
        foreach (var (name, known) in Names)
        {
            if (known == kind)
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a defined accelerator kind.");
    }

    /// <summary>Reads an accelerator name: <c>auto</c>, <c>cpu</c>, <c>cuda</c>, <c>opencl</c> or <c>ilgpu-cpu</c>, in any case.</summary>
    /// <param name="text">The name.</param>
    /// <returns>The kind it names.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> is none of the names; the message lists them.</exception>
    public static AcceleratorKind Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException($"The accelerator name is empty; valid values are {ValidNames}.");
        }

        foreach (var (name, kind) in Names)
        {
            if (string.Equals(text.Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        // No parameter name: the message goes to the command line as it is, where "(Parameter 'text')" would mean nothing.
        throw new ArgumentException($"Unknown accelerator '{text}'; valid values are {ValidNames}.");
    }

    /// <summary>
    /// The accelerator to use: <paramref name="option"/> when given, else the <see cref="EnvironmentVariable"/>
    /// environment variable when set, else <see cref="AcceleratorKind.Auto"/>.
    /// </summary>
    /// <param name="option">The command-line value, or <see langword="null"/> when none was given (an empty value was given, and is an error).</param>
    /// <returns>The kind to pass to <see cref="Create"/>.</returns>
    /// <exception cref="ArgumentException">The option is empty or not a valid name, or the environment variable is not a valid name.</exception>
    public static AcceleratorKind Resolve(string? option)
    {
        if (option is not null)
        {
            return Parse(option);
        }

        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return AcceleratorKind.Auto;
        }

        try
        {
            return Parse(fromEnvironment);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{EnvironmentVariable}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Every accelerator on this machine: the host backend, ILGPU's CPU accelerator, each CUDA device and each OpenCL
    /// device. A GPU kind with no device is listed once, as not usable, with the reason (no driver, no device).
    /// </summary>
    /// <returns>The accelerators, host first; usable and unusable alike.</returns>
    /// <remarks>An OpenCL device without OpenCL C 2.0 generic address space support, which ILGPU's kernels need, is not usable.</remarks>
    public static IReadOnlyList<AcceleratorInfo> List()
    {
        var found = new List<AcceleratorInfo>
        {
            new(AcceleratorKind.Cpu, HostKernels.Shared.DeviceName, HostMemory, FloatLanes(), Environment.ProcessorCount, Usable: true, Reason: null),
            Describe(AcceleratorKind.IlgpuCpu, CPUDevice.Nvidia, whyNot: null) with { MemoryBytes = HostMemory },
        };
        found.AddRange(Probe(AcceleratorKind.Cuda, builder => builder.Cuda(), context => context.GetCudaDevices(), _ => null));
        found.AddRange(Probe(AcceleratorKind.OpenCL, builder => builder.OpenCL(_ => true), context => context.GetCLDevices(), WhyNotUsable));
        return found;
    }

    /// <summary>
    /// Creates the backend for <paramref name="kind"/>: <see cref="HostKernels.Shared"/> for <see cref="AcceleratorKind.Cpu"/>,
    /// else ILGPU kernels on a fresh ILGPU context for the first usable device of that kind.
    /// <see cref="AcceleratorKind.Auto"/> is the first usable CUDA device, else the first usable OpenCL device, else the host.
    /// </summary>
    /// <param name="kind">The accelerator.</param>
    /// <returns>The backend, owned by the caller (disposing the shared host backend does nothing).</returns>
    /// <exception cref="AcceleratorUnavailableException">There is no usable accelerator of that kind; the message says why and lists the usable kinds.</exception>
    public static IKernels Create(AcceleratorKind kind)
    {
        var all = List();
        if (kind == AcceleratorKind.Auto)
        {
            kind = all.FirstOrDefault(a => a.Usable && a.Kind == AcceleratorKind.Cuda)?.Kind
                ?? all.FirstOrDefault(a => a.Usable && a.Kind == AcceleratorKind.OpenCL)?.Kind
                ?? AcceleratorKind.Cpu;
        }

        if (kind == AcceleratorKind.Cpu)
        {
            return HostKernels.Shared;
        }

        if (!all.Any(a => a.Usable && a.Kind == kind))
        {
            string why = string.Join("; ", all.Where(a => a.Kind == kind).Select(a => a.Reason).Distinct());
            string usable = string.Join(", ", all.Where(a => a.Usable).Select(a => $"{Name(a.Kind)} ({a.Name})"));
            throw new AcceleratorUnavailableException($"Accelerator '{Name(kind)}' is not available: {why}. Usable here: {usable}.");
        }

        return CreateIlgpu(kind);
    }

    private static IKernels CreateIlgpu(AcceleratorKind kind)
    {
        var context = Context.Create(builder =>
        {
            _ = kind switch
            {
                AcceleratorKind.IlgpuCpu => builder.CPU(CPUDeviceKind.Nvidia),
                AcceleratorKind.Cuda => builder.Cuda(),
                _ => builder.OpenCL(),
            };
            builder.EnableAlgorithms();
        });
        Accelerator? accelerator = null;
        try
        {
            accelerator = context.Devices[0].CreateAccelerator(context);
            return new IlgpuKernels(context, accelerator, kind);
        }
        catch
        {
            accelerator?.Dispose();
            context.Dispose();
            throw;
        }
    }

    private static List<AcceleratorInfo> Probe<TDevice>(
        AcceleratorKind kind,
        Action<Context.Builder> register,
        Func<Context, Context.DeviceCollection<TDevice>> devices,
        Func<TDevice, string?> whyNot)
        where TDevice : Device
    {
        try
        {
            using var context = Context.Create(register);
            var found = new List<AcceleratorInfo>();
            foreach (var device in devices(context))
            {
                found.Add(Describe(kind, device, whyNot(device)));
            }

            return found.Count > 0 ? found : [Absent(kind, NoDeviceReason(kind))];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A missing or broken driver surfaces as DllNotFoundException, TypeInitializationException, a CUDA or
            // OpenCL error...: whatever it is, the kind is absent on this machine, not a crash.
            return [Absent(kind, $"{NoDeviceReason(kind)} ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")})")];
        }
    }

    private static AcceleratorInfo Describe(AcceleratorKind kind, Device device, string? whyNot) =>
        new(kind, device.Name, device.MemorySize, device.WarpSize, device.MaxNumThreadsPerGroup, whyNot is null, whyNot);

    private static AcceleratorInfo Absent(AcceleratorKind kind, string reason) =>
        new(kind, "(none)", 0, 0, 0, Usable: false, reason);

    private static string? WhyNotUsable(CLDevice device) =>
        device.CLStdVersion.Major < 2 ? $"OpenCL C {device.CLStdVersion}: ILGPU needs OpenCL C 2.0"
        : !device.Capabilities.GenericAddressSpace ? "no OpenCL 2.0 generic address space support, which ILGPU needs"
        : null;

    private static string NoDeviceReason(AcceleratorKind kind)
    {
        var (what, library) = kind == AcceleratorKind.Cuda
            ? ("CUDA driver", OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1")
            : ("OpenCL loader", OperatingSystem.IsWindows() ? "OpenCL.dll" : OperatingSystem.IsMacOS() ? "/System/Library/Frameworks/OpenCL.framework/OpenCL" : "libOpenCL.so.1");
        if (!NativeLibrary.TryLoad(library, out nint handle))
        {
            return $"no {what} ({library} not found)";
        }

        NativeLibrary.Free(handle);
        return kind == AcceleratorKind.Cuda ? "the CUDA driver reports no device" : "no OpenCL platform or device";
    }

    private static int FloatLanes() =>
        Vector512.IsHardwareAccelerated ? Vector512<float>.Count
        : Vector256.IsHardwareAccelerated ? Vector256<float>.Count
        : Vector128.IsHardwareAccelerated ? Vector128<float>.Count
        : 1;
}
