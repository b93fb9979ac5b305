using FactoredGpu.IO;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.IO;

/// <summary>The safetensors reader on well-formed files the tests write, and on the dev GPT-2 checkpoint.</summary>
public sealed class SafetensorsFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("factored-st-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(byte[] bytes)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // Values exact in every dtype: F16 and BF16 hold them without rounding.
    private static readonly float[] Exact = [1.5f, -0.25f, 0f, 3f, -1024f, 0.125f];

    [Fact]
    public void Every_dtype_reads_as_float_and_double_with_its_shape()
    {
        var path = Write(SafetensorsWriter.Build(
        [
            SafetensorsWriter.F32("f32", [2, 3], Exact),
            SafetensorsWriter.F64("f64", [3, 2], Exact.Select(x => (double)x).ToArray()),
            SafetensorsWriter.F16("f16", [6], Exact.Select(x => (Half)x).ToArray()),
            SafetensorsWriter.BF16("bf16", [1, 2, 3], Exact),
        ]));
        using var file = SafetensorsFile.Open(path);

        Assert.Equal(["f32", "f64", "f16", "bf16"], file.Tensors.Select(t => t.Name));
        Assert.Equal([SafetensorsDType.F32, SafetensorsDType.F64, SafetensorsDType.F16, SafetensorsDType.BF16], file.Tensors.Select(t => t.DType));
        foreach (var info in file.Tensors)
        {
            using var asFloat = file.Read<float>(info.Name);
            using var asDouble = file.Read<double>(info.Name);
            Assert.Equal(info.Shape, asFloat.Shape.ToArray());
            Assert.Equal(info.Shape, asDouble.Shape.ToArray());
            Assert.Equal(Exact, asFloat.ToArray());
            Assert.Equal(Exact.Select(x => (double)x), asDouble.ToArray());
        }
    }

    [Fact]
    public void Half_precision_extremes_widen_exactly()
    {
        Half[] values = [Half.MaxValue, Half.Epsilon, Half.NegativeInfinity, (Half)(-65504f), BitConverter.UInt16BitsToHalf(0x0001)];
        // bfloat16 keeps float's exponent range: 1e38 and 2^-130 (subnormal) survive truncation exactly for these bit patterns.
        float[] brain = [BitConverter.UInt32BitsToSingle(0x7E96_0000), BitConverter.UInt32BitsToSingle(0x0001_0000), float.NaN, -2f];
        var path = Write(SafetensorsWriter.Build([SafetensorsWriter.F16("h", [5], values), SafetensorsWriter.BF16("b", [4], brain)]));
        using var file = SafetensorsFile.Open(path);

        Assert.Equal(values.Select(v => (double)v), file.Read<double>("h").ToArray());
        Assert.Equal(values.Select(v => (float)v), file.Read<float>("h").ToArray());
        var b = file.Read<float>("b").ToArray();
        Assert.Equal(brain[0], b[0]);
        Assert.Equal(brain[1], b[1]);
        Assert.True(float.IsNaN(b[2]));
        Assert.Equal(-2f, b[3]);
    }

    [Fact]
    public void Float64_read_as_float_rounds_to_nearest_and_overflows_to_infinity()
    {
        double[] values = [0.1, 1e300, -1e300, 1.0 + 1e-12];
        var path = Write(SafetensorsWriter.Build([SafetensorsWriter.F64("d", [4], values)]));
        using var file = SafetensorsFile.Open(path);
        Assert.Equal([0.1f, float.PositiveInfinity, float.NegativeInfinity, 1f], file.Read<float>("d").ToArray());
    }

    [Fact]
    public void Scalars_empty_tensors_unaligned_offsets_and_long_bfloat16_runs_read()
    {
        // 70 001 bf16 values cross the converter's 65 536-element chunk; the F32 after the odd-length F16 sits at an
        // offset that is not a multiple of 4.
        var longRun = Enumerable.Range(0, 70_001).Select(i => (float)(i % 251 - 125)).ToArray();
        var path = Write(SafetensorsWriter.Build(
        [
            SafetensorsWriter.F16("odd", [3], (Half)1, (Half)2, (Half)3),
            SafetensorsWriter.F32("unaligned", [2], 7f, -8f),
            SafetensorsWriter.F32("scalar", [], 42f),
            SafetensorsWriter.F32("empty", [0, 4]),
            SafetensorsWriter.BF16("long", [70_001], longRun),
        ]));
        using var file = SafetensorsFile.Open(path);

        Assert.True(file.TryGetTensor("unaligned", out var info));
        Assert.Equal(6, info.DataOffset);
        Assert.Equal([7f, -8f], file.Read<float>("unaligned").ToArray());
        using var scalar = file.Read<double>("scalar");
        Assert.Equal(0, scalar.Rank);
        Assert.Equal(42.0, scalar.ToScalar());
        Assert.Equal([0, 4], file.Read<float>("empty").Shape.ToArray());
        Assert.Equal(longRun, file.Read<float>("long").ToArray());
    }

    [Fact]
    public void A_bfloat16_tensor_large_enough_to_convert_on_every_core_reads_exactly_as_float_and_double()
    {
        // 1031 × 1017 elements: a part on each core (from 2¹⁸ elements per core on), neither a multiple of the vector width,
        // stored 6 bytes into the data (after a 3-element F16), so no part starts aligned; every value is exact in
        // bfloat16 (8 significant bits), with fractions, negatives and -0.
        const int Rows = 1031, Cols = 1017, Length = Rows * Cols;
        var values = Enumerable.Range(0, Length).Select(i => (i % 7 == 3 ? -1f : 1f) * (i % 255) * MathF.Pow(2, (i % 13) - 9)).ToArray();
        values[Length - 1] = -0f;
        var path = Write(SafetensorsWriter.Build([SafetensorsWriter.F16("odd", [3], (Half)1, (Half)2, (Half)3), SafetensorsWriter.BF16("big", [Rows, Cols], values)]));
        using var file = SafetensorsFile.Open(path);
        float[] asFloat = file.Read<float>("big").ToArray();
        double[] asDouble = file.Read<double>("big").ToArray();
        for (int i = 0; i < Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(values[i]) == BitConverter.SingleToInt32Bits(asFloat[i]), $"float element {i}: {asFloat[i]}, expected {values[i]}");
            Assert.True(BitConverter.DoubleToInt64Bits(values[i]) == BitConverter.DoubleToInt64Bits(asDouble[i]), $"double element {i}: {asDouble[i]}, expected {values[i]}");
        }
    }

    [Fact]
    public void Metadata_is_kept_and_a_missing_tensor_is_named()
    {
        var path = Write(SafetensorsWriter.Build([SafetensorsWriter.F32("x", [1], 1f)], new Dictionary<string, string> { ["format"] = "pt", ["note"] = "é" }));
        using var file = SafetensorsFile.Open(path);

        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal("é", file.Metadata["note"]);
        Assert.False(file.TryGetTensor("__metadata__", out _));
        var e = Assert.Throws<KeyNotFoundException>(() => file.Read<float>("transformer.wte.weight"));
        Assert.Contains("'transformer.wte.weight'", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_is_idempotent_and_reading_afterwards_throws()
    {
        var path = Write(SafetensorsWriter.Build([SafetensorsWriter.F32("x", [1], 1f)]));
        var file = SafetensorsFile.Open(path);
        using var before = file.Read<float>("x");
        file.Dispose();
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.Read<float>("x"));
        Assert.Equal([1f], before.ToArray());
        File.Delete(path); // the mapping is released: the file can go
    }

    [Fact]
    public void The_dev_gpt2_checkpoint_reads_as_TransformerLens_converted_it()
    {
        using var file = SafetensorsFile.Open(ReferenceFiles.PathOf("dev_gpt2.safetensors"));
        Assert.Equal(3 * 12 + 4, file.Tensors.Count); // 12 per layer, then ln_f w/b, wpe, wte
        Assert.Equal("pt", file.Metadata["format"]);

        using var reference = ReferenceFiles.Load("dev_gpt2_reference.json");
        var weights = reference.RootElement.GetProperty("variants").GetProperty("float32").GetProperty("unprocessed").GetProperty("weights");
        var (shape, expected) = ReferenceFiles.Real(weights.GetProperty("W_E"));
        using var wte = file.Read<float>("wte.weight");
        Assert.Equal(shape, wte.Shape.ToArray());
        Assert.Equal(expected.Select(x => (float)x), wte.ToArray()); // exact: TL's W_E is wte
    }
}
