using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace FactoredGpu.Bench.Scale;

/// <summary>
/// Writes a synthetic Hugging Face <c>LlamaForCausalLM</c> folder of a given shape, laid out like the real checkpoint:
/// <c>config.json</c>, bf16 shards <c>model-0000i-of-0000n.safetensors</c> of at most <see cref="ShardBytes"/> each in
/// the real files' tensor order (embedding, the layers, final norm, <c>lm_head</c>) and <c>model.safetensors.index.json</c>
/// with its <c>weight_map</c> and <c>total_size</c>. Every tensor is in the headers and the index, but only the ones
/// circuits read hold data (uniform in ±<see cref="Scale"/>, norms 1); the MLP tensors are holes in sparse files, zeros
/// that take no disk.
/// </summary>
internal static class SyntheticLlamaFolder
{
    /// <summary>The real checkpoints' shard cap (5 GB, <c>max_shard_size="5GB"</c>).</summary>
    public const long ShardBytes = 5_000_000_000;

    /// <summary>The entries' half-width: uniform in ±0.035 has the 0.02 standard deviation of the other benchmarks.</summary>
    public const float Scale = 0.035f;

    private sealed record Tensor(string Name, long[] Shape, bool Data)
    {
        public long Bytes => Shape.Aggregate(2L, (n, d) => n * d);
    }

    /// <summary>
    /// Writes the folder into <paramref name="folder"/> (which must exist and be empty) and returns the bytes of real data
    /// written; checks <paramref name="cancel"/> between chunks.
    /// </summary>
    public static long Write(string folder, Llama8bShape shape, CancellationToken cancel)
    {
        var tensors = Tensors(shape);
        var shards = new List<List<Tensor>> { new() };
        long inShard = 0;
        foreach (var tensor in tensors)
        {
            if (inShard > 0 && inShard + tensor.Bytes > ShardBytes)
            {
                shards.Add([]);
                inShard = 0;
            }

            shards[^1].Add(tensor);
            inShard += tensor.Bytes;
        }

        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long written = 0;
        for (int s = 0; s < shards.Count; s++)
        {
            string name = $"model-{s + 1:00000}-of-{shards.Count:00000}.safetensors";
            written += WriteShard(Path.Combine(folder, name), shards[s], seed: s, cancel);
            foreach (var tensor in shards[s])
            {
                weightMap[tensor.Name] = name;
            }
        }

        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), JsonSerializer.Serialize(new
        {
            metadata = new { total_size = tensors.Sum(t => t.Bytes) },
            weight_map = weightMap,
        }));
        File.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["architectures"] = new[] { "LlamaForCausalLM" },
            ["model_type"] = "llama",
            ["hidden_size"] = shape.DModel,
            ["intermediate_size"] = shape.DMlp,
            ["num_attention_heads"] = shape.Heads,
            ["num_hidden_layers"] = shape.Layers,
            ["num_key_value_heads"] = shape.KeyValueHeads,
            ["vocab_size"] = shape.Vocabulary,
            ["max_position_embeddings"] = 8192,
            ["rms_norm_eps"] = 1e-5,
            ["rope_theta"] = 500000.0,
            ["tie_word_embeddings"] = false,
            ["torch_dtype"] = "bfloat16",
        }));
        return written;
    }

    /// <summary>Every tensor of the checkpoint, in the real shards' order.</summary>
    private static List<Tensor> Tensors(Llama8bShape s)
    {
        long d = s.DModel, q = (long)s.Heads * s.DHead, kv = (long)s.KeyValueHeads * s.DHead, m = s.DMlp;
        var list = new List<Tensor> { new("model.embed_tokens.weight", [s.Vocabulary, d], true) };
        for (int layer = 0; layer < s.Layers; layer++)
        {
            string p = $"model.layers.{layer}.";
            list.AddRange(
            [
                new(p + "input_layernorm.weight", [d], true),
                new(p + "self_attn.q_proj.weight", [q, d], true),
                new(p + "self_attn.k_proj.weight", [kv, d], true),
                new(p + "self_attn.v_proj.weight", [kv, d], true),
                new(p + "self_attn.o_proj.weight", [d, q], true),
                new(p + "post_attention_layernorm.weight", [d], true),
                new(p + "mlp.gate_proj.weight", [m, d], false),
                new(p + "mlp.up_proj.weight", [m, d], false),
                new(p + "mlp.down_proj.weight", [d, m], false),
            ]);
        }

        list.Add(new("model.norm.weight", [d], true));
        list.Add(new("lm_head.weight", [s.Vocabulary, d], true));
        return list;
    }

    /// <summary>One shard: its header, then each tensor's data, or a hole for the MLP tensors. Returns the data bytes written.</summary>
    private static long WriteShard(string path, List<Tensor> tensors, int seed, CancellationToken cancel)
    {
        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (var tensor in tensors)
        {
            header[tensor.Name] = new { dtype = "BF16", shape = tensor.Shape, data_offsets = new[] { offset, offset + tensor.Bytes } };
            offset += tensor.Bytes;
        }

        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int padded = (json.Length + 7) / 8 * 8;
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, padded);
        stream.Write(length);
        stream.Write(json);
        stream.Write(Enumerable.Repeat((byte)' ', padded - json.Length).ToArray());
        long start = stream.Position, written = 0;
        var chunk = new byte[1 << 24];
        for (int t = 0; t < tensors.Count; t++)
        {
            var tensor = tensors[t];
            if (!tensor.Data)
            {
                // A hole: seeking past the end and writing later (or SetLength) leaves unwritten zeros that use no disk.
                stream.Seek(tensor.Bytes, SeekOrigin.Current);
                continue;
            }

            bool norm = tensor.Shape.Length == 1;
            for (long at = 0, part = 0; at < tensor.Bytes; at += chunk.Length, part++)
            {
                cancel.ThrowIfCancellationRequested();
                int count = (int)Math.Min(chunk.Length, tensor.Bytes - at);
                Fill(chunk, count, norm, ((ulong)seed << 48) ^ ((ulong)t << 32) ^ (ulong)part);
                stream.Write(chunk, 0, count);
            }

            written += tensor.Bytes;
        }

        stream.SetLength(start + offset);
        return written;
    }

    /// <summary>
    /// The first <paramref name="count"/> bytes of <paramref name="chunk"/> as bf16 values: 1 for a norm, else uniform in
    /// ±<see cref="Scale"/> from a xorshift generator per block of 64K values, seeded by <paramref name="seed"/> and the block.
    /// </summary>
    private static void Fill(byte[] chunk, int count, bool norm, ulong seed)
    {
        const int BlockBytes = 1 << 17;
        Parallel.For(0, (count + BlockBytes - 1) / BlockBytes, b =>
        {
            ulong state = ((seed * 0x9E3779B97F4A7C15UL) ^ (((ulong)b + 1) * 0xBF58476D1CE4E5B9UL)) | 1;
            var values = chunk.AsSpan(b * BlockBytes, Math.Min(BlockBytes, count - b * BlockBytes));
            for (int i = 0; i + 1 < values.Length; i += 2)
            {
                float x = 1;
                if (!norm)
                {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    x = (BitConverter.Int32BitsToSingle(0x3F800000 | (int)(state >> 41)) - 1.5f) * 2 * Scale;
                }

                BinaryPrimitives.WriteUInt16LittleEndian(values[i..], (ushort)(BitConverter.SingleToInt32Bits(x) >> 16));
            }
        });
    }
}
