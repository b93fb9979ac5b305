using System.Numerics;
using System.Numerics.Tensors;
using System.Text.Json;
using FactoredGpu.IO;
using FactoredGpu.Kernels.Host;

namespace FactoredGpu.Models;

/// <summary>Loads a Hugging Face GPT-2 checkpoint (<c>model.safetensors</c>) into TransformerLens's layout.</summary>
public static class Gpt2Checkpoint
{
    /// <summary>The head width GPT-2 uses at every size, for guessing the number of heads when nothing says it.</summary>
    public const int DefaultHeadWidth = 64;

    /// <summary>
    /// Reads a GPT-2 checkpoint with Hugging Face key names (with or without the <c>transformer.</c> prefix) and converts
    /// it as TransformerLens's <c>convert_gpt2_weights</c> does; the result is unprocessed.
    /// </summary>
    /// <typeparam name="TScalar">The element type to convert to: <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The <c>.safetensors</c> file.</param>
    /// <param name="heads">
    /// The number of attention heads, used when no <c>config.json</c> with <c>n_head</c> lies beside the checkpoint;
    /// when neither gives it, <c>d_model / 64</c> if <c>d_model</c> is a positive multiple of 64.
    /// </param>
    /// <returns>Host weights, owned by the caller; the MLP is loaded when all its tensors are present.</returns>
    /// <remarks>
    /// <para>Conversion: <c>W_E = wte</c>, <c>W_pos = wpe</c>; <c>attn.c_attn.weight [d, 3d]</c> (Conv1D, input-major)
    /// splits into column blocks Q | K | V and <c>W_X[h] = block[:, h·dh:(h+1)·dh]</c>, the bias likewise;
    /// <c>W_O[h] = attn.c_proj.weight[h·dh:(h+1)·dh, :]</c>; <c>W_in = mlp.c_fc.weight</c>,
    /// <c>W_out = mlp.c_proj.weight</c>; the unembedding is tied, <c>W_U = wteᵀ</c> (a view), and <c>b_U = 0</c>.</para>
    /// <para><c>L</c>, <c>d</c>, <c>V</c> and <c>n_ctx</c> come from the tensor shapes. Buffers such as
    /// <c>h.{i}.attn.bias</c> and <c>h.{i}.attn.masked_bias</c>, and any other extra key, are ignored.</para>
    /// </remarks>
    /// <exception cref="InvalidDataException">
    /// A required tensor is missing (the message names the key), has the wrong shape (key, expected and actual shape),
    /// holds NaN or ±Inf (the key), only some of a layer's MLP tensors are present, or <c>config.json</c> is unreadable
    /// or its <c>n_head</c> does not divide <c>d_model</c>.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="heads"/> is not a positive divisor of <c>d_model</c>, or it is needed (no config, <c>d_model</c> not
    /// a multiple of 64) and missing.
    /// </exception>
    /// <exception cref="SafetensorsFormatException">The file is not a valid safetensors file.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static Gpt2Weights<TScalar> Load<TScalar>(string path, int? heads = null)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = SafetensorsFile.Open(path);
        string prefix = file.TryGetTensor("transformer.wte.weight", out _) ? "transformer." : "";
        var reader = new Reader<TScalar>(file, prefix);

        var wte = reader.Matrix("wte.weight");
        int vocab = wte.Dim(0), d = wte.Dim(1);
        int layers = 0;
        while (file.TryGetTensor($"{prefix}h.{layers}.ln_1.weight", out _))
        {
            layers++;
        }

        if (layers == 0)
        {
            throw new InvalidDataException($"{path}: the GPT-2 checkpoint has no tensor '{prefix}h.0.ln_1.weight' (no transformer blocks).");
        }

        int h = ResolveHeads(path, heads, d), dh = d / h;
        var wpe = reader.Matrix("wpe.weight");
        reader.Require("wpe.weight", wpe, [wpe.Dim(0), d]);
        bool hasMlp = HasMlp(file, prefix, layers);
        int dMlp = 0;
        if (hasMlp)
        {
            using var cFc = reader.Matrix("h.0.mlp.c_fc.weight");
            dMlp = cFc.Dim(1);
        }


        int attention = h * d * dh;
        TScalar[] wQ = new TScalar[layers * attention], wK = new TScalar[wQ.Length], wV = new TScalar[wQ.Length], wO = new TScalar[wQ.Length];
        TScalar[] bQ = new TScalar[layers * d], bK = new TScalar[bQ.Length], bV = new TScalar[bQ.Length], bO = new TScalar[bQ.Length];
        TScalar[] ln1W = new TScalar[layers * d], ln1B = new TScalar[ln1W.Length], ln2W = new TScalar[ln1W.Length], ln2B = new TScalar[ln1W.Length];
        TScalar[] wIn = new TScalar[layers * d * dMlp], bIn = new TScalar[layers * dMlp], wOut = new TScalar[wIn.Length], bOut = new TScalar[layers * d];
        for (int layer = 0; layer < layers; layer++)
        {
            string at = $"h.{layer}.";
            TScalar[] cAttn = reader.Read(at + "attn.c_attn.weight", [d, 3 * d]), cAttnBias = reader.Read(at + "attn.c_attn.bias", [3 * d]);
            foreach (var (target, bias, block) in new[] { (wQ, bQ, 0), (wK, bK, 1), (wV, bV, 2) })
            {
                for (int head = 0; head < h; head++)
                {
                    for (int r = 0; r < d; r++)
                    {
                        cAttn.AsSpan(r * 3 * d + block * d + head * dh, dh).CopyTo(target.AsSpan(layer * attention + (head * d + r) * dh, dh));
                    }
                }

                cAttnBias.AsSpan(block * d, d).CopyTo(bias.AsSpan(layer * d, d));
            }

            // W_O[h] is rows h·dh … (h+1)·dh of c_proj: [H, dh, d] has the memory layout of [d, d].
            reader.Read(at + "attn.c_proj.weight", [d, d]).CopyTo(wO, layer * attention);
            reader.Read(at + "attn.c_proj.bias", [d]).CopyTo(bO, layer * d);
            reader.Read(at + "ln_1.weight", [d]).CopyTo(ln1W, layer * d);
            reader.Read(at + "ln_1.bias", [d]).CopyTo(ln1B, layer * d);
            reader.Read(at + "ln_2.weight", [d]).CopyTo(ln2W, layer * d);
            reader.Read(at + "ln_2.bias", [d]).CopyTo(ln2B, layer * d);
            if (hasMlp)
            {
                reader.Read(at + "mlp.c_fc.weight", [d, dMlp]).CopyTo(wIn, layer * d * dMlp);
                reader.Read(at + "mlp.c_fc.bias", [dMlp]).CopyTo(bIn, layer * dMlp);
                reader.Read(at + "mlp.c_proj.weight", [dMlp, d]).CopyTo(wOut, layer * d * dMlp);
                reader.Read(at + "mlp.c_proj.bias", [d]).CopyTo(bOut, layer * d);
            }
        }

        var host = HostKernels.Shared;
        StridedTensor<TScalar> T(TScalar[] data, params int[] shape) => StridedTensor<TScalar>.FromArray(host, data, shape);
        var lnF = (W: reader.Read("ln_f.weight", [d]), B: reader.Read("ln_f.bias", [d]));
        reader.CheckFinite("wte.weight", wte);
        reader.CheckFinite("wpe.weight", wpe);
        return new Gpt2Weights<TScalar>(
            wte, wpe,
            T(wQ, layers, h, d, dh), T(wK, layers, h, d, dh), T(wV, layers, h, d, dh), T(wO, layers, h, dh, d),
            T(bQ, layers, h, dh), T(bK, layers, h, dh), T(bV, layers, h, dh), T(bO, layers, d),
            T(ln1W, layers, d), T(ln1B, layers, d), T(ln2W, layers, d), T(ln2B, layers, d),
            T(lnF.W, d), T(lnF.B, d),
            wte.Transpose(), T(new TScalar[vocab], vocab),
            hasMlp ? new Gpt2Mlp<TScalar>(T(wIn, layers, d, dMlp), T(bIn, layers, dMlp), T(wOut, layers, dMlp, d), T(bOut, layers, d)) : null);
    }

    /// <summary>The number of heads: <c>config.json</c>'s <c>n_head</c>, else <paramref name="heads"/>, else <c>d / 64</c>.</summary>
    private static int ResolveHeads(string path, int? heads, int d)
    {
        string config = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", "config.json");
        if (File.Exists(config))
        {
            int fromConfig;
            try
            {
                using var json = JsonDocument.Parse(File.ReadAllBytes(config));
                fromConfig = json.RootElement.GetProperty("n_head").GetInt32();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{config}: cannot read an integer n_head ({e.Message}).", e);
            }

            if (fromConfig <= 0 || d % fromConfig != 0)
            {
                throw new InvalidDataException($"{config}: n_head = {fromConfig} does not divide d_model = {d}.");
            }

            return fromConfig;
        }

        if (heads is int given)
        {
            if (given <= 0 || d % given != 0)
            {
                throw new ArgumentException($"{given} heads do not divide d_model = {d} of {path}; pass a divisor of {d}.", nameof(heads));
            }

            return given;
        }

        if (d > 0 && d % DefaultHeadWidth == 0)
        {
            return d / DefaultHeadWidth;
        }

        throw new ArgumentException($"{path}: cannot tell the number of attention heads (no config.json beside it, and d_model = {d} is not a multiple of {DefaultHeadWidth}); pass --heads.", nameof(heads));
    }

    /// <summary>Whether every layer has all four MLP tensors; none at all gives false, some but not all throws.</summary>
    private static bool HasMlp(SafetensorsFile file, string prefix, int layers)
    {
        string[] keys = [.. Enumerable.Range(0, layers).SelectMany(l => new[] { "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias" }.Select(k => $"{prefix}h.{l}.{k}"))];
        string[] missing = [.. keys.Where(k => !file.TryGetTensor(k, out _))];
        if (missing.Length > 0 && missing.Length < keys.Length)
        {
            throw new InvalidDataException($"{file.FilePath}: the checkpoint has some MLP tensors but not {string.Join(", ", missing.Take(4))}{(missing.Length > 4 ? $" and {missing.Length - 4} more" : "")}.");
        }

        return missing.Length == 0;
    }

    /// <summary>Reads checkpoint tensors by key (prefix added), checking presence, shape and finiteness.</summary>
    private sealed class Reader<TScalar>(SafetensorsFile file, string prefix)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        /// <summary>A rank-2 tensor as stored (its shape fixes dimensions).</summary>
        public StridedTensor<TScalar> Matrix(string key)
        {
            var tensor = Open(key);
            if (tensor.Rank != 2)
            {
                string shape = Shapes.Format(tensor.Shape);
                tensor.Dispose();
                throw new InvalidDataException($"{file.FilePath}: tensor '{prefix + key}' must be a matrix; its shape was {shape}.");
            }

            return tensor;
        }

        /// <summary>The elements of a tensor that must have shape <paramref name="expected"/> and be finite.</summary>
        public TScalar[] Read(string key, int[] expected)
        {
            using var tensor = Open(key);
            Require(key, tensor, expected);
            TScalar[] data = tensor.ToArray();
            CheckFinite(key, data);
            return data;
        }

        public void Require(string key, StridedTensor<TScalar> tensor, int[] expected)
        {
            if (!tensor.Shape.SequenceEqual(expected))
            {
                throw new InvalidDataException($"{file.FilePath}: tensor '{prefix + key}' must have shape {Shapes.Format(expected)}; its shape was {Shapes.Format(tensor.Shape)}.");
            }
        }

        /// <summary>Checks a contiguous host tensor in place (no copy: the embedding alone is 154 MB for GPT-2 small).</summary>
        public void CheckFinite(string key, StridedTensor<TScalar> tensor) =>
            CheckFinite(key, ((HostBuffer<TScalar>)tensor.Buffer).Array.AsSpan(checked((int)tensor.Offset), checked((int)tensor.Length)));

        private void CheckFinite(string key, ReadOnlySpan<TScalar> data)
        {
            if (!TensorPrimitives.IsFiniteAll(data))
            {
                int bad = 0;
                while (TScalar.IsFinite(data[bad]))
                {
                    bad++;
                }

                throw new InvalidDataException($"{file.FilePath}: tensor '{prefix + key}' holds {data[bad]} at flat index {bad}; weights must be finite.");
            }
        }

        private StridedTensor<TScalar> Open(string key)
        {
            if (!file.TryGetTensor(prefix + key, out _))
            {
                throw new InvalidDataException($"{file.FilePath}: the GPT-2 checkpoint has no tensor '{prefix + key}'.");
            }

            return file.Read<TScalar>(prefix + key);
        }
    }
}
