using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.MemoryMappedFiles;
using System.Numerics;
using FactoredGpu.Kernels.Host;

namespace FactoredGpu.IO;

/// <summary>
/// A safetensors checkpoint, memory-mapped and validated on open; tensors are read on demand and converted to
/// <see cref="float"/> or <see cref="double"/>.
/// </summary>
/// <remarks>
/// <para><see cref="Open"/> checks everything the format promises before touching tensor data: the header length lies
/// inside the file and under <see cref="MaxHeaderBytes"/>, the header is a UTF-8 JSON object with no repeated key,
/// every dtype is F32, F16, BF16 or F64 (any other is named in the error), every shape times its element size equals
/// its byte range, and the ranges cover the data area exactly — no overlap, no gap, no trailing bytes, as the reference
/// implementation requires. <c>__metadata__</c> (strings) is
/// kept in <see cref="Metadata"/>.</para>
/// <para>Reads are thread-safe. The mapping stays open until <see cref="Dispose"/>; tensors already read are copies
/// and outlive it.</para>
/// </remarks>
public sealed unsafe class SafetensorsFile : IDisposable
{
    /// <summary>The largest header accepted, as in the reference implementation (100 MB).</summary>
    public const long MaxHeaderBytes = SafetensorsHeader.MaxHeaderBytes;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _data;
    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;
    private int _disposed;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* data,
        List<SafetensorsTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        FilePath = path;
        _map = map;
        _view = view;
        _data = data;
        Tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The path the file was opened from.</summary>
    public string FilePath { get; }

    /// <summary>Every tensor in the file, in header order.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> entries (empty when there are none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens, maps and validates a safetensors file.</summary>
    /// <param name="path">The file, or a symbolic link (or chain of links, relative or absolute) to it, as in the
    /// Hugging Face hub cache; the length and the data are those of the final target.</param>
    /// <returns>The open file.</returns>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>, or a link to none.</exception>
    /// <exception cref="SafetensorsFormatException">
    /// <paramref name="path"/> is not a regular file (a directory, a FIFO such as <c>/dev/stdin</c> on a pipe, a device,
    /// a socket: none is opened, so none can block), or the file is truncated, malformed, not exactly covered by its
    /// tensors, or holds an unsupported dtype; the message names the file and the problem.
    /// </exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = RegularFile.Resolve(path, out var problem);
        if (problem is not null)
        {
            throw new SafetensorsFormatException(path, $"{problem}.", null);
        }

        var length = file.Length;
        if (length < sizeof(ulong))
        {
            throw new SafetensorsFormatException(path, $"is {length} bytes, too short for the 8-byte header length of a safetensors file.", null);
        }

        var map = MemoryMappedFile.CreateFromFile(file.FullName, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        var acquired = false;
        try
        {
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* start = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            acquired = true;
            start += view.PointerOffset;

            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(start, sizeof(ulong)));
            var available = length - sizeof(ulong);
            if (headerLength == 0 || headerLength > (ulong)available || headerLength > MaxHeaderBytes)
            {
                throw new SafetensorsFormatException(
                    path,
                    $"declares a {headerLength}-byte header, but {available} bytes follow the length and at most {MaxHeaderBytes} are allowed: " +
                    "not a safetensors file, or truncated.",
                    null);
            }

            var header = new ReadOnlySpan<byte>(start + sizeof(ulong), (int)headerLength);
            var dataStart = sizeof(ulong) + (long)headerLength;
            var (tensors, metadata) = SafetensorsHeader.Parse(path, header, length - dataStart);
            return new SafetensorsFile(path, map, view, start + dataStart, tensors, metadata);
        }
        catch
        {
            if (acquired)
            {
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            }

            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary>Looks a tensor up by name.</summary>
    /// <param name="name">The tensor's key.</param>
    /// <param name="info">Its entry, when present.</param>
    /// <returns>Whether the file has a tensor called <paramref name="name"/>.</returns>
    public bool TryGetTensor(string name, [MaybeNullWhen(false)] out SafetensorsTensorInfo info) => _byName.TryGetValue(name, out info);

    /// <summary>Reads a tensor into a new host tensor of <typeparamref name="T"/>, converting from its stored dtype.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="name">The tensor's key.</param>
    /// <returns>A contiguous host tensor of the stored shape (a scalar becomes shape <c>[]</c>).</returns>
    /// <remarks>F16 and BF16 widen exactly; F64 read as <see cref="float"/> rounds to nearest, and values beyond
    /// <see cref="float"/>'s range become infinities. Values are not checked for NaN or infinity.</remarks>
    /// <exception cref="KeyNotFoundException">The file has no such tensor; the message names it and the file.</exception>
    /// <exception cref="SafetensorsFormatException">The tensor has more elements than one array can hold.</exception>
    public StridedTensor<T> Read<T>(string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_byName.TryGetValue(name, out var info))
        {
            throw new KeyNotFoundException($"{FilePath}: there is no tensor '{name}'.");
        }

        if (info.ElementCount > Array.MaxLength)
        {
            throw new SafetensorsFormatException(FilePath, $"tensor '{name}' has {info.ElementCount} elements, more than one array can hold.", null);
        }

        var tensor = StridedTensor<T>.Zeros(HostKernels.Shared, info.Shape);
        ReadElements(info, 0, ((HostBuffer<T>)tensor.Buffer).Array);
        return tensor;
    }

    /// <summary>
    /// Converts <c>destination.Length</c> elements of a tensor, from its row-major element <paramref name="first"/> on, into
    /// <paramref name="destination"/>: a part of a tensor read without a converted copy of the whole. The mapped pages read
    /// are then dropped from the resident set (<see cref="MappedPages"/>), so reading a checkpoint adds only what it converts.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range runs past the tensor's elements.</exception>
    internal void ReadElements<T>(SafetensorsTensorInfo info, long first, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + destination.Length, info.ElementCount, nameof(destination));
        int size = SafetensorsHeader.ElementSize(info.DType);
        byte* source = _data + info.DataOffset + first * size;
        int parts = (int)Math.Min(Environment.ProcessorCount, destination.Length / MinElementsPerThread);
        if (parts <= 1)
        {
            SafetensorsConversion.Convert(info.DType, source, destination);
            MappedPages.Release(source, (long)destination.Length * size);
            return;
        }

        // Page faults on the mapping and the conversion both scale with cores: one contiguous part per core.
        fixed (T* target = destination)
        {
            T* to = target;
            var dtype = info.DType;
            int length = destination.Length;
            Parallel.For(0, parts, part =>
            {
                int begin = (int)((long)length * part / parts), end = (int)((long)length * (part + 1) / parts);
                byte* from = source + ((long)begin * size);
                SafetensorsConversion.Convert(dtype, from, new Span<T>(to + begin, end - begin));
                MappedPages.Release(from, (long)(end - begin) * size);
            });
        }
    }

    /// <summary>Below this many elements per core (a few hundred microseconds of work) a read stays on the calling thread.</summary>
    private const int MinElementsPerThread = 1 << 18;

    /// <summary>Unmaps the file. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
