using System.Text.Json;
using FactoredGpu;

namespace FactoredGpu.Tests.Support;

/// <summary>
/// Finds and parses TransformerLens's recorded outputs, vendored in <c>tests/reference</c> and copied beside the test
/// binaries by the test project, so the tests read nothing outside the repository.
/// </summary>
internal static class ReferenceFiles
{
    private static readonly string Directory = System.IO.Path.Combine(AppContext.BaseDirectory, "reference");

    public static string PathOf(string name) => System.IO.Path.Combine(Directory, name);

    public static JsonDocument Load(string name) => JsonDocument.Parse(File.ReadAllBytes(PathOf(name)));

    /// <summary>A real tensor <c>{"dtype", "shape", "data"}</c>: its shape and values.</summary>
    public static (int[] Shape, double[] Data) Real(JsonElement tensor) =>
        (Shape(tensor), tensor.GetProperty("data").EnumerateArray().Select(Number).ToArray());

    /// <summary>A complex tensor <c>{"shape", "real", "imag"}</c>.</summary>
    public static (int[] Shape, double[] Real, double[] Imag) Complex(JsonElement tensor) =>
        (Shape(tensor), tensor.GetProperty("real").EnumerateArray().Select(Number).ToArray(), tensor.GetProperty("imag").EnumerateArray().Select(Number).ToArray());

    public static int[] Shape(JsonElement tensor) => tensor.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public static StridedTensor<double> Tensor(JsonElement tensor)
    {
        var (shape, data) = Real(tensor);
        return StridedTensor<double>.FromArray(data, shape);
    }

    public static StridedTensor<float> TensorF(JsonElement tensor)
    {
        var (shape, data) = Real(tensor);
        return StridedTensor<float>.FromArray(data.Select(x => (float)x).ToArray(), shape);
    }

    /// <summary>JSON numbers, and the strings Python writes for non-finite values.</summary>
    private static double Number(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch { "NaN" or "nan" => double.NaN, "Infinity" or "inf" => double.PositiveInfinity, _ => double.NegativeInfinity }
        : e.GetDouble();
}
