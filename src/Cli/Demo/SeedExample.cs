using System.Text.Json;

namespace FactoredGpu.Cli.Demo;

/// <summary>
/// TransformerLens's seed example as TransformerLens recorded it: <c>torch.manual_seed(50); A = randn(5, 2);
/// B = randn(2, 5)</c>, then, re-seeded as TL's notebook does, <c>C = randn(5, 300)</c>, with the norm TL printed for
/// <c>AB·C</c>. Read from the vendored <c>tests/reference/seed_notebook_case.json</c>, embedded in the tool.
/// </summary>
/// <param name="A">A, 5×2, row-major.</param>
/// <param name="B">B, 2×5, row-major.</param>
/// <param name="C">C, 5×300, row-major (<c>C_reseeded</c>).</param>
/// <param name="AbcNorm">TransformerLens's factored norm of <c>AB·C</c> (160.0830).</param>
internal sealed record SeedExample(float[] A, float[] B, float[] C, float AbcNorm)
{
    /// <summary>The columns of <see cref="C"/>.</summary>
    public const int CColumns = 300;

    private const string Resource = "seed_notebook_case.json";

    /// <summary>Reads the embedded recording.</summary>
    public static SeedExample Load()
    {
        using var stream = typeof(SeedExample).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The tool was built without its embedded {Resource}.");
        using var document = JsonDocument.Parse(stream);
        var recorded = document.RootElement.GetProperty("case");
        var reseeded = recorded.GetProperty("C_reseeded");
        return new SeedExample(
            Data(recorded.GetProperty("A"), 5, 2),
            Data(recorded.GetProperty("B"), 2, 5),
            Data(reseeded.GetProperty("C"), 5, CColumns),
            Data(reseeded.GetProperty("ABC_factored_norm"))[0]);
    }

    // A recorded tensor {"dtype", "shape", "data"}, checked against the shape the demo expects.
    private static float[] Data(JsonElement tensor, params int[] shape)
    {
        int[] recorded = [.. tensor.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32())];
        if (!recorded.SequenceEqual(shape))
        {
            throw new InvalidDataException($"The embedded {Resource} holds a [{string.Join(", ", recorded)}] tensor where [{string.Join(", ", shape)}] was expected.");
        }

        return [.. tensor.GetProperty("data").EnumerateArray().Select(e => e.GetSingle())];
    }
}
