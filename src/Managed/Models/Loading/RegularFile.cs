namespace FactoredGpu.Models;

/// <summary>
/// Opens only what is safe to open: a path's symbolic links are followed to the final file (the Hugging Face hub cache
/// links <c>snapshots/…/config.json</c> to <c>blobs/…</c>), and a FIFO, a device or an empty file is refused before it
/// is opened, so that reading never blocks or runs without end.
/// </summary>
internal static class RegularFile
{
    /// <summary>The most bytes a JSON file of a checkpoint (<c>config.json</c>, the shard index) may have.</summary>
    public const long MaxJsonBytes = 16L << 20;

    /// <summary>The final target of <paramref name="path"/> after following symbolic links.</summary>
    /// <exception cref="FileNotFoundException">There is no file there, or a link points nowhere.</exception>
    public static string Resolve(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !target.Exists)
            {
                throw new FileNotFoundException($"{path}: a symbolic link to '{info.LinkTarget}', which does not exist.", path);
            }

            return target.FullName;
        }

        return info.FullName;
    }

    /// <summary>The bytes of a small regular file (links followed).</summary>
    /// <exception cref="InvalidDataException">The path is not a regular file with 1 to <see cref="MaxJsonBytes"/> bytes (a FIFO or a device reports 0).</exception>
    /// <exception cref="FileNotFoundException">There is no file.</exception>
    public static byte[] ReadSmall(string path)
    {
        string target = Resolve(path);
        if (Directory.Exists(target))
        {
            throw new InvalidDataException($"{path}: is a directory, not a file.");
        }

        var info = new FileInfo(target);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }

        if (info.Length <= 0 || info.Length > MaxJsonBytes)
        {
            throw new InvalidDataException(
                $"{path}: {(info.Length <= 0 ? "is empty or not a regular file (a FIFO or a device)" : $"has {info.Length} bytes, more than the {MaxJsonBytes} allowed")}; expected a JSON file.");
        }

        using var stream = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        var bytes = new byte[info.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
