using System.Numerics;
using System.Text.Json;
using FactoredGpu.Circuits;
using FactoredGpu.Kernels.Host;
using FactoredGpu.Models;
using FactoredGpu.Tests.Cli;
using FactoredGpu.Tests.Parity;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Families;

/// <summary>
/// One family's dev checkpoint, loaded from its Hugging Face folder, against what TransformerLens computed from it
/// (<c>dev_*_reference.json</c>), unprocessed and processed, in float32 and float64, with the reference README's
/// tolerances: the state dict, the weights view (grouped-query heads repeated), every circuit, and the CLI end to end.
/// Each family is a small sealed subclass.
/// </summary>
public abstract class ModelFamilyParityTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("factored-family-");

    private protected abstract DevModel Model { get; }

    public void Dispose()
    {
        _work.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void Float64_load_is_TransformerLens_conversion_exactly_and_processing_matches_to_1e_12()
    {
        using var loaded = Load<double>();
        AssertStateDict(Model.ToStateDict(loaded), "float64", "unprocessed", (expected, actual, key) => Close.All(expected, actual, 0, 0, key));
        using var processed = WeightProcessing.Process(loaded);
        AssertStateDict(Model.ToStateDict(processed), "float64", "processed", (expected, actual, key) => Close.Parity(expected, actual, key));
    }

    [Fact]
    public void Float32_load_is_TransformerLens_conversion_exactly_and_processing_matches_to_1e_6()
    {
        using var loaded = Load<float>();
        AssertStateDict(Model.ToStateDict(loaded), "float32", "unprocessed", (expected, actual, key) => Close.All(expected, actual, 0, 0, key));
        using var processed = WeightProcessing.Process(loaded);
        AssertStateDict(Model.ToStateDict(processed), "float32", "processed", (expected, actual, key) => Close.All(expected, actual, 0, 1e-6, key));
    }

    [Theory]
    [InlineData("unprocessed")]
    [InlineData("processed")]
    public void Float64_weights_view_and_circuits_match_TransformerLens(string state) =>
        AssertModel<double>("float64", state, values: 1e-12, eigen: 1e-9, fullEigen: 1e-9, score: 1e-9, singular: 1e-7, norm: 1e-10);

    [Theory]
    [InlineData("unprocessed")]
    [InlineData("processed")]
    public void Float32_weights_view_and_circuits_match_TransformerLens(string state) =>
        AssertModel<float>("float32", state, values: 1e-6, eigen: 1e-5, fullEigen: 1e-4, score: 1e-5, singular: 1e-5, norm: 1e-5);

    [Fact]
    public void Full_OV_plan_forms_W_U_W_E_once_then_one_product_per_key_value_head_then_per_query_head()
    {
        using var model = new TransformerModel<double>(Load<double>());
        var config = model.Config;
        var plan = CircuitAnalysis.FullOvPlan(model);
        long[] batches = [.. plan.Steps.Where(s => !s.IsTrace).Select(s => s.DistinctBatch)];
        Assert.Equal([1L, config.NLayers * config.NKeyValueHeads, config.NLayers * config.NHeads], batches);
        Assert.Contains("Cyclic rotation", plan.Explain(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("processed", new string[0])]
    [InlineData("unprocessed", new[] { "--no-processing" })]
    public void Cli_on_the_folder_writes_TransformerLens_copying_and_composition_scores(string state, string[] extra)
    {
        string output = Path.Combine(_work.FullName, "out");
        var (code, _, error) = CliTests.Run(["circuits", "--weights", Model.CheckpointPath, "--accelerator", "cpu", "--top-k", "3", "--out", output, .. extra]);
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "circuits.json")));
        var circuits = Model.Circuits("float32", state);
        foreach (var (field, circuit) in new[] { ("ov_copying_scores", "OV"), ("qk_copying_scores", "QK"), ("full_ov_copying_scores", "full_OV") })
        {
            double[] written = [.. json.RootElement.GetProperty(field).EnumerateArray().SelectMany(row => row.EnumerateArray().Select(x => x.GetDouble()))];
            Close.All(ReferenceFiles.Real(circuits.GetProperty(circuit).GetProperty("copying_score")).Data, written, 0, 1e-5, field);
        }

        var config = Model.Config;
        var model = json.RootElement.GetProperty("model");
        Assert.Equal(config.NHeads, model.GetProperty("n_heads").GetInt32());
        Assert.Equal(config.NKeyValueHeads, model.GetProperty("n_key_value_heads").GetInt32());
        Assert.Equal(config.Architecture, model.GetProperty("architecture").GetString());
    }

    private protected TransformerWeights<T> Load<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        TransformerCheckpoint.Load<T>(Model.CheckpointPath, new ModelLoadOptions { IncludeMlp = true });

    private void AssertStateDict(Dictionary<string, double[]> actual, string precision, string state, Action<double[], double[], string> compare)
    {
        var expected = Model.StateDict(precision, state);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, values) in expected)
        {
            compare(values, actual[key], $"{precision} {state} {key}");
        }
    }

    private void AssertModel<T>(string precision, string state, double values, double eigen, double fullEigen, double score, double singular, double norm)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var model = TransformerModel.Load<T>(Model.CheckpointPath, new ModelLoadOptions { Processing = state == "processed" });
        var variant = Model.Variant(precision, state);
        var weights = variant.GetProperty("weights");
        string label = $"{precision} {state}";

        // The property view: W_K, W_V, b_K, b_V repeated to the query heads (repeat_interleave).
        var views = new (string Name, StridedTensor<T> Tensor)[]
        {
            ("W_E", model.W_E), ("W_U", model.W_U), ("b_U", model.b_U), ("W_Q", model.W_Q), ("W_K", model.W_K), ("W_V", model.W_V), ("W_O", model.W_O),
            ("b_Q", model.b_Q), ("b_K", model.b_K), ("b_V", model.b_V), ("b_O", model.b_O),
        };
        foreach (var (name, tensor) in views)
        {
            var (shape, expected) = ReferenceFiles.Real(weights.GetProperty(name));
            Assert.Equal(shape, tensor.Shape.ToArray());
            double scale = Math.Max(1, expected.Length == 0 ? 0 : expected.Max(Math.Abs));
            Close.All(expected, Doubles(tensor), state == "unprocessed" ? 0 : values, state == "unprocessed" ? 0 : values * scale, $"{label} {name}");
        }

        var circuits = variant.GetProperty("circuits");
        var config = model.Config;
        var summary = new ModelSummary(config.NLayers, config.NHeads, config.DModel, config.DHead, config.DVocab, Synthetic: false, state == "processed", Model.Checkpoint, config.Architecture, config.NKeyValueHeads);
        var report = CircuitAnalysis.Run(model, summary, HostKernels.Shared, new CircuitAnalysisOptions { TopTokenHeads = 2, TopK = 3 });
        static double[] Flat(double[][] x) => [.. x.SelectMany(r => r)];
        static double[] Flat3(double[][][] x) => [.. x.SelectMany(r => r.SelectMany(h => h))];

        AssertEigenvalues(circuits.GetProperty("OV"), Flat3(report.OvEigenvalues.Real), Flat3(report.OvEigenvalues.Imag), eigen, $"{label} OV");
        AssertEigenvalues(circuits.GetProperty("full_OV"), Flat3(report.FullOvEigenvalues.Real), Flat3(report.FullOvEigenvalues.Imag), fullEigen, $"{label} full OV");
        Close.All(Reference(circuits, "OV", "copying_score"), Flat(report.OvCopyingScores), 0, score, $"{label} OV copying");
        Close.All(Reference(circuits, "QK", "copying_score"), Flat(report.QkCopyingScores), 0, score, $"{label} QK copying");
        Close.All(Reference(circuits, "full_OV", "copying_score"), Flat(report.FullOvCopyingScores), 0, score, $"{label} full OV copying");

        // S from Gram matrices (√ε-class, see FactoredMatrix.SingularValues): 1e-7·max(1, S_max) in float64.
        double sMax = Math.Max(1, Reference(circuits, "OV", "S").Max());
        Close.All(Reference(circuits, "OV", "S"), Flat3(report.OvSingularValues), 0, singular * sMax, $"{label} OV S");
        Close.All(Reference(circuits, "OV", "norm"), Flat(report.OvNorms), 0, norm * sMax, $"{label} OV norm");

        var composition = circuits.GetProperty("composition_scores");
        Assert.NotNull(report.CompositionScores);
        foreach (var (mode, table) in new[] { ("Q", report.CompositionScores.Q), ("K", report.CompositionScores.K), ("V", report.CompositionScores.V) })
        {
            Close.All(ReferenceFiles.Real(composition.GetProperty(mode)).Data, [.. table.SelectMany(a => a.SelectMany(b => b.SelectMany(c => c)))], 0, score, $"{label} {mode}-composition");
        }

        // Through TransformerLens's names: QK, its singular values and norm; the full QK circuit; W_E·OV·W_U.
        using (var qkEigen = model.QK.Eigenvalues())
        {
            AssertEigenvalues(circuits.GetProperty("QK"), Doubles(qkEigen.Real), Doubles(qkEigen.Imaginary), eigen, $"{label} QK");
        }

        using (var qkNorm = model.QK.Norm())
        {
            double qkMax = Math.Max(1, Reference(circuits, "QK", "S").Max());
            Close.All(Reference(circuits, "QK", "S"), Doubles(model.QK.S), 0, norm * qkMax, $"{label} QK S");
            Close.All(Reference(circuits, "QK", "norm"), Doubles(qkNorm), 0, singular * qkMax, $"{label} QK norm");
        }

        using var wEt = model.W_E.Transpose();
        using var wKt = model.W_K.Transpose();
        using (var fullQk = MatrixChain<T>.Of(model.W_E, model.W_Q, wKt, wEt))
        using (var fullQkEigen = fullQk.Eigenvalues())
        using (var fullQkNorm = fullQk.Norm())
        {
            AssertEigenvalues(circuits.GetProperty("full_QK"), Doubles(fullQkEigen.Real), Doubles(fullQkEigen.Imaginary), fullEigen, $"{label} full QK");
            double fullMax = Math.Max(1, Reference(circuits, "full_QK", "S").Max());
            Close.All(Reference(circuits, "full_QK", "norm"), Doubles(fullQkNorm), 0, singular * fullMax * 10, $"{label} full QK norm");
        }

        using var product = model.W_E * model.OV * model.W_U;
        var fullOv = (FactoredMatrix<T>)product;
        Assert.Equal([config.NLayers, config.NHeads, config.DVocab, config.DVocab], fullOv.Shape.ToArray());
        using var fullOvEigen = fullOv.Eigenvalues();
        AssertEigenvalues(circuits.GetProperty("full_OV"), Doubles(fullOvEigen.Real), Doubles(fullOvEigen.Imaginary), fullEigen, $"{label} W_E·OV·W_U");
    }

    private static double[] Reference(JsonElement circuits, string circuit, string field) =>
        ReferenceFiles.Real(circuits.GetProperty(circuit).GetProperty(field)).Data;

    /// <summary>Eigenvalues as multisets per head, the tolerance relative to max(1, max |λ|) of the head.</summary>
    private static void AssertEigenvalues(JsonElement circuit, double[] actualRe, double[] actualIm, double relative, string what)
    {
        var (shape, re, im) = ReferenceFiles.Complex(circuit.GetProperty("eigenvalues"));
        Assert.True(re.Length == actualRe.Length, $"{what}: {actualRe.Length} eigenvalues, expected {re.Length} ({Shapes.Format(shape)})");
        FullCircuitParityTests.AssertEigenvalues(re, im, actualRe, actualIm, shape[^1], relative);
    }

    private static double[] Doubles<T>(StridedTensor<T> tensor)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        [.. tensor.ToArray().Select(double.CreateTruncating)];
}
