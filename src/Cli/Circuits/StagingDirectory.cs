namespace FactoredGpu.Cli.Circuits;

/// <summary>
/// A hidden temporary directory inside the output directory: files are written there, then moved into place together
/// by <see cref="Commit"/>; disposing without committing deletes it, so a failed run leaves nothing that looks complete.
/// </summary>
/// <remarks>
/// The staging directory is inside the output directory, so every move is a rename on one file system. The files move
/// in the order given, so put <c>circuits.json</c> last: its presence means the rest is in place. <see cref="Dispose"/>
/// may run on another thread (a signal's cancellation) while the run still writes: commit and clean-up exclude each other,
/// and a commit after a clean-up fails.
/// </remarks>
internal sealed class StagingDirectory : IDisposable
{
    private readonly bool _createdOutput;
    private readonly Lock _lock = new();
    private bool _committed, _removed;

    private StagingDirectory(string output, string path, bool createdOutput) => (Output, Path, _createdOutput) = (output, path, createdOutput);

    /// <summary>The output directory the files end up in.</summary>
    public string Output { get; }

    /// <summary>The staging directory to write into.</summary>
    public string Path { get; }

    /// <summary>Creates <paramref name="output"/> if needed and a fresh staging directory inside it.</summary>
    /// <exception cref="IOException"><paramref name="output"/> cannot be created or written (it is a file, say, or read-only).</exception>
    public static StagingDirectory Create(string output)
    {
        string full = System.IO.Path.GetFullPath(output);
        bool existed = Directory.Exists(full);
        try
        {
            Directory.CreateDirectory(full);
            var staging = Directory.CreateDirectory(System.IO.Path.Combine(full, $".factored-tmp-{Guid.NewGuid():N}"));
            return new StagingDirectory(full, staging.FullName, !existed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write the output directory '{output}': {e.Message}", e);
        }
    }

    /// <summary>Moves <paramref name="names"/> (in order, replacing files of the same name) from the staging directory into the output directory, then removes the staging directory.</summary>
    /// <exception cref="ObjectDisposedException">The staging directory was already removed (the run was cancelled).</exception>
    public void Commit(IEnumerable<string> names)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_removed, this);
            foreach (string name in names)
            {
                File.Move(System.IO.Path.Combine(Path, name), System.IO.Path.Combine(Output, name), overwrite: true);
            }

            _committed = true;
            Directory.Delete(Path, recursive: true);
        }
    }

    /// <summary>
    /// Without a <see cref="Commit"/>: deletes the staging directory, and the output directory if this run created it and
    /// left it empty. Safe to call again, from any thread; a second call retries what the first could not delete.
    /// </summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (!_committed)
            {
                _removed = true;
                Remove();
            }
        }
    }

    private void Remove()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }

            if (_createdOutput && Directory.Exists(Output) && !Directory.EnumerateFileSystemEntries(Output).Any())
            {
                Directory.Delete(Output);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleaning up after a failure must not hide the failure; a leftover hidden .factored-tmp-* holds no circuits.json.
        }
    }
}
