using System.Text.Json;
using System.Text.RegularExpressions;
using FactoredGpu.IO;

namespace FactoredGpu.Models;

/// <summary>
/// The tensors of a Hugging Face checkpoint, wherever they lie: one <c>.safetensors</c> file, a folder with
/// <c>model.safetensors</c>, or a folder of shards listed by <c>model.safetensors.index.json</c>. Every file is
/// memory-mapped; nothing is read until a tensor is asked for.
/// </summary>
internal sealed partial class CheckpointFiles : IDisposable
{
    private const string IndexName = "model.safetensors.index.json", SingleName = "model.safetensors", ConfigName = "config.json";

    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsFile> _byName;

    private CheckpointFiles(string source, string? configPath, List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> byName) =>
        (Source, ConfigPath, _files, _byName) = (source, configPath, files, byName);

    /// <summary>The path the checkpoint was opened from.</summary>
    public string Source { get; }

    /// <summary>The <c>config.json</c> beside the weights, or <see langword="null"/> when there is none.</summary>
    public string? ConfigPath { get; }

    /// <summary>Every tensor name of the checkpoint.</summary>
    public IEnumerable<string> Names => _byName.Keys;

    /// <summary>Opens a checkpoint and checks that its files agree with each other.</summary>
    /// <param name="path">A folder, a <c>.safetensors</c> file, or a shard index.</param>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>, or a folder holds no weights.</exception>
    /// <exception cref="InvalidDataException">
    /// The shard index is malformed, names a tensor twice, points at a missing shard or one without the tensor, leaves a
    /// shard or a tensor out, or its <c>total_size</c> disagrees with the tensors; the message names what is wrong.
    /// </exception>
    /// <exception cref="SafetensorsFormatException">A weights file is not a valid safetensors file.</exception>
    public static CheckpointFiles Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string folder;
        string? index = null, single = null;
        if (Directory.Exists(path))
        {
            folder = path;
            if (File.Exists(Path.Combine(path, IndexName)))
            {
                index = Path.Combine(path, IndexName);
            }
            else if (File.Exists(Path.Combine(path, SingleName)))
            {
                single = Path.Combine(path, SingleName);
            }
            else
            {
                throw new FileNotFoundException($"{path}: the folder has neither {SingleName} nor {IndexName}.", path);
            }
        }
        else if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            (index, single) = path.EndsWith(".index.json", StringComparison.Ordinal) ? (path, null) : ((string?)null, path);
        }
        else
        {
            throw new FileNotFoundException($"{path}: no such file or folder.", path);
        }

        string config = Path.Combine(folder, ConfigName);
        string? configPath = File.Exists(config) || new FileInfo(config).LinkTarget is not null ? config : null;
        var files = new List<SafetensorsFile>();
        try
        {
            var byName = index is null ? OpenSingle(single!, files) : OpenSharded(index, folder, files);
            return new CheckpointFiles(path, configPath, files, byName);
        }
        catch
        {
            files.ForEach(f => f.Dispose());
            throw;
        }
    }

    /// <summary>Whether the checkpoint has a tensor called <paramref name="name"/>.</summary>
    public bool Has(string name) => _byName.ContainsKey(name);

    /// <summary>The stored shape of a tensor, or <see langword="null"/> when absent.</summary>
    public int[]? ShapeOf(string name) => _byName.TryGetValue(name, out var file) && file.TryGetTensor(name, out var info) ? info.Shape : null;

    /// <summary>The file holding a tensor.</summary>
    public SafetensorsFile FileOf(string name) => _byName[name];

    /// <summary>Unmaps every file.</summary>
    public void Dispose() => _files.ForEach(f => f.Dispose());

    private static Dictionary<string, SafetensorsFile> OpenSingle(string path, List<SafetensorsFile> files)
    {
        var file = SafetensorsFile.Open(RegularFile.Resolve(path));
        files.Add(file);
        return file.Tensors.ToDictionary(t => t.Name, _ => file, StringComparer.Ordinal);
    }

    private static Dictionary<string, SafetensorsFile> OpenSharded(string index, string folder, List<SafetensorsFile> files)
    {
        var json = ConfigJson.Read(index);
        if (!json.Root.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{index}: has no 'weight_map' object.");
        }

        var shardOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in map.EnumerateObject())
        {
            string shard = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : "";
            if (shard.Length == 0 || shard != Path.GetFileName(shard))
            {
                throw new InvalidDataException($"{index}: tensor '{entry.Name}' maps to {entry.Value.GetRawText()}, not a file name in the folder.");
            }

            if (!shardOf.TryAdd(entry.Name, shard))
            {
                throw new InvalidDataException($"{index}: names tensor '{entry.Name}' twice.");
            }
        }

        var shards = shardOf.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        CheckShardSet(index, folder, shards);
        var open = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        foreach (string shard in shards)
        {
            string shardPath = Path.Combine(folder, shard);
            if (!File.Exists(shardPath))
            {
                throw new InvalidDataException($"{index}: points at shard '{shard}', which is missing from {folder}.");
            }

            var file = SafetensorsFile.Open(RegularFile.Resolve(shardPath));
            files.Add(file);
            open[shard] = file;
        }

        var byName = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        long total = 0;
        foreach (var (name, shard) in shardOf)
        {
            if (!open[shard].TryGetTensor(name, out var info))
            {
                throw new InvalidDataException($"{index}: maps tensor '{name}' to '{shard}', which has no such tensor.");
            }

            byName[name] = open[shard];
            total += info.ByteLength;
        }

        foreach (var (shard, file) in open)
        {
            if (file.Tensors.FirstOrDefault(t => !shardOf.TryGetValue(t.Name, out var listed) || listed != shard) is { } extra)
            {
                throw new InvalidDataException($"{index}: shard '{shard}' holds tensor '{extra.Name}', which the index does not list there.");
            }
        }

        if (json.Root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("total_size", out var size) && size.ValueKind == JsonValueKind.Number
            && (!size.TryGetInt64(out long declared) || declared != total))
        {
            throw new InvalidDataException($"{index}: total_size is {size.GetRawText()}, but the listed tensors hold {total} bytes.");
        }

        return byName;
    }

    /// <summary>Shards named <c>…-00002-of-00005.safetensors</c>: every number up to the count is listed, and no such file in the folder is left out.</summary>
    private static void CheckShardSet(string index, string folder, string[] shards)
    {
        foreach (var group in shards.Select(s => (Name: s, Match: ShardName().Match(s))).Where(x => x.Match.Success).GroupBy(x => (x.Match.Groups[1].Value, x.Match.Groups[3].Value)))
        {
            var (prefix, count) = group.Key;
            int expected = int.Parse(count, System.Globalization.CultureInfo.InvariantCulture);
            var listed = group.Select(x => int.Parse(x.Match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
            if (Enumerable.Range(1, expected).FirstOrDefault(n => !listed.Contains(n)) is int missing and > 0)
            {
                string name = $"{prefix}-{missing.ToString(new string('0', count.Length), System.Globalization.CultureInfo.InvariantCulture)}-of-{count}.safetensors";
                throw new InvalidDataException($"{index}: lists no tensor in shard '{name}' of {expected} (a missing shard).");
            }

            var names = group.Select(x => x.Name).ToHashSet(StringComparer.Ordinal);
            foreach (string file in Directory.EnumerateFiles(folder, $"{prefix}-*-of-*.safetensors").Select(Path.GetFileName).OfType<string>())
            {
                if (!names.Contains(file))
                {
                    throw new InvalidDataException($"{index}: the folder holds shard '{file}', which the index does not list (an extra shard).");
                }
            }
        }
    }

    [GeneratedRegex(@"^(.+)-(\d+)-of-(\d+)\.safetensors$", RegexOptions.CultureInvariant)]
    private static partial Regex ShardName();
}
