using System.Diagnostics;
using FactoredGpu.IO;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.IO;

/// <summary>What a weights path may be: links (the Hugging Face hub cache), and things that are not regular files.</summary>
public sealed class SafetensorsPathTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("factored-st-path-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Checkpoint() => SafetensorsWriter.Build([SafetensorsWriter.F32("w", [2, 3], 1, 2, 3, 4, 5, 6)]);

    [Fact]
    public void An_absolute_link_reads_its_target()
    {
        var target = Path.Combine(_dir, "model.safetensors");
        File.WriteAllBytes(target, Checkpoint());
        var link = Path.Combine(_dir, "link.safetensors");
        File.CreateSymbolicLink(link, target);

        // The link's own length (that of the target's path) was taken for the file's: "declares a …-byte header, but 56 bytes follow".
        using var file = SafetensorsFile.Open(link);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], file.Read<float>("w").ToArray());
        Assert.Equal(link, file.FilePath);
    }

    [Fact]
    public void The_hub_cache_layout_of_relative_links_reads_the_blob()
    {
        // models--org--name/snapshots/<rev>/model.safetensors → ../../blobs/<sha>, and a second snapshot linking to the first.
        var blobs = Directory.CreateDirectory(Path.Combine(_dir, "blobs")).FullName;
        File.WriteAllBytes(Path.Combine(blobs, "5d3c1f"), Checkpoint());
        var snapshot = Directory.CreateDirectory(Path.Combine(_dir, "snapshots", "rev1")).FullName;
        File.CreateSymbolicLink(Path.Combine(snapshot, "model.safetensors"), Path.Combine("..", "..", "blobs", "5d3c1f"));
        var second = Directory.CreateDirectory(Path.Combine(_dir, "snapshots", "rev2")).FullName;
        File.CreateSymbolicLink(Path.Combine(second, "model.safetensors"), Path.Combine("..", "rev1", "model.safetensors"));

        foreach (var path in new[] { Path.Combine(snapshot, "model.safetensors"), Path.Combine(second, "model.safetensors") })
        {
            using var file = SafetensorsFile.Open(path);
            Assert.Equal([4f, 5f, 6f], file.Read<float>("w").ToArray()[3..]);
        }
    }

    [Fact]
    public void A_dangling_link_is_not_found_and_a_link_loop_is_not_a_regular_file()
    {
        var dangling = Path.Combine(_dir, "dangling.safetensors");
        File.CreateSymbolicLink(dangling, Path.Combine(_dir, "gone.safetensors"));
        var missing = Assert.Throws<FileNotFoundException>(() => SafetensorsFile.Open(dangling));
        Assert.Contains("gone.safetensors, which does not exist", missing.Message, StringComparison.Ordinal);

        var a = Path.Combine(_dir, "a.safetensors");
        var b = Path.Combine(_dir, "b.safetensors");
        File.CreateSymbolicLink(a, b);
        File.CreateSymbolicLink(b, a);
        var loop = Assert.ThrowsAny<IOException>(() => SafetensorsFile.Open(a));
        Assert.Contains(a, loop.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', loop.Message);
    }

    [Fact]
    public async Task Devices_fifos_and_directories_are_refused_without_opening_them()
    {
        var fifo = Path.Combine(_dir, "weights.fifo");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
        }

        var linkToDevice = Path.Combine(_dir, "zero.safetensors");
        File.CreateSymbolicLink(linkToDevice, "/dev/zero");
        var cases = new (string Path, string Kind)[]
        {
            (fifo, "is a FIFO (named pipe), not a regular file"),
            ("/dev/zero", "is a character device, not a regular file"),
            ("/dev/null", "is a character device, not a regular file"),
            (linkToDevice, "is a character device, not a regular file"),
            (_dir, "is a directory, not a regular file"),
        };
        foreach (var (path, kind) in cases)
        {
            // Opening a FIFO blocks until a writer comes: the check must come first, and fast.
            var e = await Assert.ThrowsAsync<SafetensorsFormatException>(() => Task.Run(() => SafetensorsFile.Open(path)).WaitAsync(TimeSpan.FromSeconds(5)));
            Assert.Equal($"{path}: {kind}.", e.Message);
        }

        // /dev/stdin is whatever the test host was given (a pipe, /dev/null, a terminal): refused fast either way.
        await Assert.ThrowsAnyAsync<IOException>(() => Task.Run(() => SafetensorsFile.Open("/dev/stdin")).WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
