using System.Runtime.InteropServices;

namespace FactoredGpu.IO;

/// <summary>
/// Resolves a path through every symbolic link to the file it finally names, and tells a regular file from the things
/// that must not be opened as one: a directory, a FIFO or <c>/dev/stdin</c> on a pipe (opening either blocks until a
/// writer comes), a character or block device, a socket.
/// </summary>
/// <remarks>
/// The length of a link is that of its target's path, not of the file: a checkpoint in the Hugging Face hub cache
/// (<c>snapshots/&lt;rev&gt;/model.safetensors → ../../blobs/&lt;sha&gt;</c>, a relative link) must be measured at its
/// target. The file type comes from <c>statx</c> on Linux, which reads it without opening the file; elsewhere only
/// directories are told apart (other platforms name devices and pipes differently).
/// </remarks>
internal static partial class RegularFile
{
    /// <summary>Resolves <paramref name="path"/> to its final target and checks that it is a regular file.</summary>
    /// <param name="path">The path, possibly a (chain of) symbolic link(s), relative or absolute.</param>
    /// <param name="problem">Why it is not a regular file (a phrase such as "is a FIFO, not a regular file"), or null.</param>
    /// <returns>The final target, with its length.</returns>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>, or a link in the chain dangles.</exception>
    public static FileInfo Resolve(string path, out string? problem)
    {
        // The kernel follows every link, /proc's too (/dev/stdin → /proc/self/fd/0 → "pipe:[…]", which is no path).
        problem = OperatingSystem.IsLinux() && Kind(path) is { } kind && kind != "regular file" ? $"is {kind}, not a regular file" : null;
        FileSystemInfo target;
        try
        {
            var entry = new FileInfo(path);
            target = entry.ResolveLinkTarget(returnFinalTarget: true) ?? entry;
        }
        catch (FileNotFoundException)
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }
        catch (IOException e)
        {
            // ELOOP: links that point at one another.
            problem ??= $"cannot be resolved ({e.Message}), so it is not a regular file";
            return new FileInfo(path);
        }

        if (problem is not null || Directory.Exists(target.FullName))
        {
            problem ??= "is a directory, not a regular file";
            return new FileInfo(path);
        }

        var file = new FileInfo(target.FullName);
        if (!file.Exists)
        {
            string link = file.FullName == Path.GetFullPath(path) ? "" : $" (it links to {file.FullName}, which does not exist)";
            throw new FileNotFoundException($"{path}: no such file{link}.", path);
        }

        return file;
    }

    /// <summary>The file type from <c>statx</c> (it follows links), or null when it cannot be read.</summary>
    private static unsafe string? Kind(string path)
    {
        const int CurrentDirectory = -100; // AT_FDCWD
        const uint TypeMask = 0x1; // STATX_TYPE
        const int ModeOffset = 0x1C; // struct statx.stx_mode, the same on every Linux architecture
        byte* buffer = stackalloc byte[256];
        try
        {
            if (StatX(CurrentDirectory, path, 0, TypeMask, buffer) != 0)
            {
                return null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }

        return (*(ushort*)(buffer + ModeOffset) & 0xF000) switch
        {
            0x8000 => "regular file",
            0x4000 => "a directory",
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "of an unknown type",
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatX(int directory, string path, int flags, uint mask, byte* buffer);
}
