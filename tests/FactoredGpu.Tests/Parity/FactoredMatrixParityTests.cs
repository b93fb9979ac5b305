using System.Text.Json;
using System.Text.RegularExpressions;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Parity;

/// <summary>
/// Every member, operator, index call and error recorded from TransformerLens's own <c>FactoredMatrix</c>
/// (<c>tests/reference/factored_matrix_cases.json</c>, float64) against ours, with the reference README's tolerances.
/// </summary>
public sealed partial class FactoredMatrixParityTests
{
    private static readonly Lazy<JsonDocument> Cases = new(() => ReferenceFiles.Load("factored_matrix_cases.json"));

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases.Value.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Construction_shape_factors_product_and_text(string name)
    {
        var (record, f) = Open(name);
        using (f)
        {
            AssertFactored(record.GetProperty("constructed"), f, withProduct: true);
            string expectedText = record.GetProperty("repr").GetString()!.Replace("torch.Size(", string.Empty, StringComparison.Ordinal).Replace("])", "]", StringComparison.Ordinal);
            Assert.Equal(expectedText, f.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void BA_transpose_pair_and_norm(string name)
    {
        var (record, f) = Open(name);
        using (f)
        {
            Outcome(record.GetProperty("BA"), () => f.BA(), (expected, actual) => AssertTensor(expected, actual), typeof(InvalidOperationException));
            Outcome(record.GetProperty("T"), () => f.T, (expected, actual) => AssertFactored(expected, actual, withProduct: true), null);
            var pair = record.GetProperty("pair").GetProperty("value");
            var (a, b) = f.Pair;
            using (a)
            using (b)
            {
                AssertTensor(pair[0], a);
                AssertTensor(pair[1], b);
            }

            var (_, norms) = ReferenceFiles.Real(record.GetProperty("norm").GetProperty("value"));
            using var norm = f.Norm();
            Assert.Equal(ReferenceFiles.Shape(record.GetProperty("norm").GetProperty("value")), norm.Shape.ToArray());
            // Reference README: norm() within 1e-10·max(1, S_max) for float64 (‖AB‖_F ≥ S_max, so this is looser, never tighter).
            Close.All(norms, norm.ToArray(), 0, 1e-10 * Math.Max(1, norms.Max()), "norm");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Eigenvalues_match_as_multisets(string name)
    {
        var (record, f) = Open(name);
        using (f)
        {
            Outcome(record.GetProperty("eigenvalues"), () => f.Eigenvalues(), (expected, actual) =>
            {
                var (shape, re, im) = ReferenceFiles.Complex(expected.GetProperty("raw"));
                Assert.Equal(shape, actual.Shape.ToArray());
                double[] actualRe = actual.Real.ToArray(), actualIm = actual.Imaginary.ToArray();
                int m = shape[^1];
                // Reference README: eigenvalues as multisets within 1e-9·max(1, max |λ|).
                double scale = Math.Max(1, re.Zip(im, (x, y) => Math.Sqrt(x * x + y * y)).Max());
                for (int batch = 0; batch * m < re.Length; batch++)
                {
                    Close.Multiset(re[(batch * m)..((batch + 1) * m)], im[(batch * m)..((batch + 1) * m)], actualRe[(batch * m)..((batch + 1) * m)], actualIm[(batch * m)..((batch + 1) * m)], 1e-9 * scale, $"batch {batch}");
                }
            }, typeof(InvalidOperationException));
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Svd_matches_after_the_sign_rule(string name)
    {
        var (record, f) = Open(name);
        using (f)
        {
            var svd = record.GetProperty("svd").GetProperty("value");
            var (u, s, v) = f.Svd();
            using (u)
            using (s)
            using (v)
            {
                var (sShape, sExpected) = ReferenceFiles.Real(svd.GetProperty("S"));
                Assert.Equal(sShape, s.Shape.ToArray());
                // Reference README: S within 1e-10·max(1, S_max); U, V after the sign rule within 1e-9 absolute.
                Close.All(sExpected, s.ToArray(), 0, 1e-10 * Math.Max(1, sExpected.Max()), "S");
                var (uShape, uExpected) = ReferenceFiles.Real(svd.GetProperty("U_signnorm"));
                var (vShape, vExpected) = ReferenceFiles.Real(svd.GetProperty("V_signnorm"));
                Assert.Equal(uShape, u.Shape.ToArray());
                Assert.Equal(vShape, v.Shape.ToArray());
                double[] uActual = u.ToArray(), vActual = v.ToArray();
                SignNormalize(uActual, vActual, uShape[^2], vShape[^2], uShape[^1]);
                Close.All(uExpected, uActual, 0, 1e-9, "U (sign-normalized)");
                Close.All(vExpected, vActual, 0, 1e-9, "V (sign-normalized)");
            }

            // Vh is TransformerLens's deprecated alias of V; ours is V.
            var (_, vh) = ReferenceFiles.Real(record.GetProperty("Vh").GetProperty("value"));
            var (_, vRecorded) = ReferenceFiles.Real(svd.GetProperty("V"));
            Assert.Equal(vRecorded, vh);
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MakeEven_and_collapses_match_in_gram_form(string name)
    {
        var (record, f) = Open(name);
        using (f)
        {
            var even = record.GetProperty("make_even").GetProperty("value");
            using var made = f.MakeEven();
            AssertFactoredShape(even.GetProperty("result"), made);
            using (var at = made.A.Transpose())
            using (var ata = at * made.A)
            {
                AssertGram(even.GetProperty("AtA"), ata);
            }

            using (var bt = made.B.Transpose())
            using (var bbt = made.B * bt)
            {
                AssertGram(even.GetProperty("BBt"), bbt);
            }

            var left = record.GetProperty("collapse_l").GetProperty("value");
            using (var c = f.CollapseL())
            using (var ct = c.Transpose())
            using (var ctc = ct * c)
            {
                Assert.Equal(ReferenceFiles.Shape(left.GetProperty("value")), c.Shape.ToArray());
                AssertGram(left.GetProperty("gram_CtC"), ctc);
            }

            var right = record.GetProperty("collapse_r").GetProperty("value");
            using (var c = f.CollapseR())
            using (var ct = c.Transpose())
            using (var cct = c * ct)
            {
                Assert.Equal(ReferenceFiles.Shape(right.GetProperty("value")), c.Shape.ToArray());
                AssertGram(right.GetProperty("gram_CCt"), cct);
            }
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Corners_and_unsqueeze(string name)
    {
        var (record, f) = Open(name);
        using (f)
        {
            var corner = record.GetProperty("get_corner");
            foreach (var (key, k) in new[] { ("default", 3), ("k2", 2), ("k1", 1) })
            {
                using var actual = f.GetCorner(k);
                AssertTensor(corner.GetProperty(key).GetProperty("value"), actual);
            }

            using (var actual = f.GetCorner(2))
            {
                AssertTensor(record.GetProperty("utilities_get_matrix_corner_n2").GetProperty("value"), actual);
            }

            foreach (var entry in record.GetProperty("unsqueeze").EnumerateObject())
            {
                int axis = int.Parse(entry.Name, System.Globalization.CultureInfo.InvariantCulture);
                Outcome(entry.Value, () => f.Unsqueeze(axis), (expected, actual) => AssertFactored(expected, actual, withProduct: false), typeof(ArgumentOutOfRangeException));
            }
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Indexing(string name)
    {
        var (record, f) = Open(name);
        using (f)
        {
            foreach (var call in record.GetProperty("getitem").EnumerateArray())
            {
                var index = ParseIndex(call.GetProperty("index"));
                var result = call.GetProperty("result");
                string what = call.GetProperty("index").GetRawText();
                bool rowOrColumnInteger = index.Skip(f.NDim - 2).Any(i => i.Kind == TensorIndexKind.Integer);
                if (rowOrColumnInteger && result.GetProperty("ok").GetBoolean() && result.GetProperty("value").GetProperty("shape").EnumerateArray().Any(d => d.GetInt32() == 0))
                {
                    // TransformerLens returns an empty matrix for an out-of-range row or column integer; ours throws (documented).
                    Assert.Throws<IndexOutOfRangeException>(() => f[index].Dispose());
                    continue;
                }

                Outcome(result, () => f[index], (expected, actual) => AssertFactored(expected, actual, withProduct: true), ErrorType(result), what);
            }
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Operators(string name)
    {
        var (record, f) = Open(name);
        using (f)
        {
            foreach (var op in record.GetProperty("ops").EnumerateArray())
            {
                string kind = op.GetProperty("op").GetString()!, desc = op.GetProperty("desc").GetString()!;
                var operands = op.GetProperty("operands");
                StridedTensor<double> Operand(string key) => ReferenceFiles.Tensor(operands.GetProperty(key));
                double Scalar() => double.Parse(ScalarPattern().Match(desc).Value, System.Globalization.CultureInfo.InvariantCulture);
                Func<object> run = kind switch
                {
                    "matmul_tensor" or "matmul_tensor_batched" or "matmul_vector" or "matmul_tensor_inner_mismatch" or "matmul_vector_mismatch" => () => Unwrap(f * Operand(operands.EnumerateObject().First().Name)),
                    "rmatmul_tensor" or "rmatmul_tensor_batched" or "rmatmul_vector" or "rmatmul_tensor_inner_mismatch" or "rmatmul_vector_mismatch" => () => Unwrap(Operand(operands.EnumerateObject().First().Name) * f),
                    "matmul_factored" or "matmul_factored_inner_mismatch" => () => f * new FactoredMatrix<double>(Operand("GA"), Operand("GB")),
                    "factored_matmul_f" => () => new FactoredMatrix<double>(Operand("HA"), Operand("HB")) * f,
                    "mul_float_right" or "mul_int" => () => f * Scalar(),
                    "mul_float_left" => () => Scalar() * f,
                    "mul_tensor0d_right" or "mul_tensor0d_left" or "mul_tensor1elem" or "mul_tensor_nonscalar" => () => f.Scale(Operand("s")),
                    _ => throw new InvalidOperationException($"Unknown recorded op {kind}"),
                };
                Outcome(op.GetProperty("result"), run, AssertResult, typeof(ArgumentException), $"{kind}: {desc}");
            }
        }
    }

    [Fact]
    public void Constructor_errors_name_both_shapes()
    {
        foreach (var c in Cases.Value.RootElement.GetProperty("constructor_errors").EnumerateArray())
        {
            int[] aShape = c.GetProperty("A_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            int[] bShape = c.GetProperty("B_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.False(c.GetProperty("result").GetProperty("ok").GetBoolean());
            using var a = StridedTensor<double>.Zeros(aShape);
            using var b = StridedTensor<double>.Zeros(bShape);
            var error = Assert.Throws<ArgumentException>(() => new FactoredMatrix<double>(a, b));
            Assert.Contains(Shapes.Format(aShape), error.Message, StringComparison.Ordinal);
            Assert.Contains(Shapes.Format(bShape), error.Message, StringComparison.Ordinal);
        }
    }

    private static (JsonElement Record, FactoredMatrix<double> Matrix) Open(string name)
    {
        var c = Cases.Value.RootElement.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        using var a = ReferenceFiles.Tensor(c.GetProperty("inputs").GetProperty("A"));
        using var b = ReferenceFiles.Tensor(c.GetProperty("inputs").GetProperty("B"));
        return (c.GetProperty("record"), new FactoredMatrix<double>(a, b));
    }

    /// <summary>Checks a recorded outcome: a value compared by <paramref name="compare"/>, or an error of the mapped .NET type.</summary>
    private static void Outcome<TResult>(JsonElement outcome, Func<TResult> run, Action<JsonElement, TResult> compare, Type? errorType, string what = "")
    {
        if (outcome.GetProperty("ok").GetBoolean())
        {
            var value = run();
            try
            {
                compare(outcome.GetProperty("value"), value);
            }
            finally
            {
                (value as IDisposable)?.Dispose();
            }

            return;
        }

        Assert.True(errorType is not null, $"{what}: TransformerLens raised {outcome.GetProperty("error")} but no .NET error is mapped");
        var thrown = Record.Exception(() => (run() as IDisposable)?.Dispose());
        Assert.True(thrown is not null && errorType!.IsInstanceOfType(thrown), $"{what}: expected {errorType!.Name} (TransformerLens {outcome.GetProperty("error")}), got {thrown?.GetType().Name ?? "no exception"}");
    }

    /// <summary>TransformerLens's Python error classes for indexing, mapped to ours.</summary>
    private static Type? ErrorType(JsonElement outcome) => outcome.TryGetProperty("error", out var error)
        ? error.GetString() switch { "IndexError" => typeof(IndexOutOfRangeException), _ => typeof(ArgumentException) }
        : null;

    private static object Unwrap(FactoredProduct<double> product) => product.IsFactored ? product.Factored! : product.Dense!;

    private static void AssertResult(JsonElement expected, object actual)
    {
        if (expected.GetProperty("type").GetString() == "FactoredMatrix")
        {
            AssertFactored(expected, Assert.IsType<FactoredMatrix<double>>(actual), withProduct: true);
        }
        else
        {
            AssertTensor(expected.GetProperty("value"), Assert.IsType<StridedTensor<double>>(actual));
        }
    }

    private static void AssertFactoredShape(JsonElement expected, FactoredMatrix<double> actual)
    {
        Assert.Equal(ReferenceFiles.Shape(expected), actual.Shape.ToArray());
        Assert.Equal(expected.GetProperty("ldim").GetInt32(), actual.LDim);
        Assert.Equal(expected.GetProperty("mdim").GetInt32(), actual.MDim);
        Assert.Equal(expected.GetProperty("rdim").GetInt32(), actual.RDim);
        Assert.Equal(expected.GetProperty("ndim").GetInt32(), actual.NDim);
        Assert.Equal(expected.GetProperty("has_leading_dims").GetBoolean(), actual.HasLeadingDims);
    }

    private static void AssertFactored(JsonElement expected, FactoredMatrix<double> actual, bool withProduct)
    {
        AssertFactoredShape(expected, actual);
        AssertTensor(expected.GetProperty("A"), actual.A);
        AssertTensor(expected.GetProperty("B"), actual.B);
        if (withProduct && expected.TryGetProperty("AB", out var ab))
        {
            using var product = actual.AB();
            AssertTensor(ab, product);
        }
    }

    private static void AssertTensor(JsonElement expected, StridedTensor<double> actual)
    {
        var (shape, data) = ReferenceFiles.Real(expected);
        Assert.Equal(shape, actual.Shape.ToArray());
        Close.Parity(data, actual.ToArray());
    }

    /// <summary>Gram forms are sign-invariant: compare with 1e-9 relative to the largest entry.</summary>
    private static void AssertGram(JsonElement expected, StridedTensor<double> actual)
    {
        var (shape, data) = ReferenceFiles.Real(expected);
        Assert.Equal(shape, actual.Shape.ToArray());
        Close.All(data, actual.ToArray(), 0, 1e-9 * Math.Max(1, data.Max(Math.Abs)));
    }

    /// <summary>The reference's sign rule: flip each (U[:, j], V[:, j]) so the largest-|.| entry of U[:, j] is positive.</summary>
    private static void SignNormalize(double[] u, double[] v, int l, int r, int k)
    {
        for (int batch = 0; batch * l * k < u.Length; batch++)
        {
            for (int j = 0; j < k; j++)
            {
                int best = 0;
                for (int i = 1; i < l; i++)
                {
                    if (Math.Abs(u[(batch * l + i) * k + j]) > Math.Abs(u[(batch * l + best) * k + j]))
                    {
                        best = i;
                    }
                }

                if (u[(batch * l + best) * k + j] < 0)
                {
                    for (int i = 0; i < l; i++)
                    {
                        u[(batch * l + i) * k + j] = -u[(batch * l + i) * k + j];
                    }

                    for (int i = 0; i < r; i++)
                    {
                        v[(batch * r + i) * k + j] = -v[(batch * r + i) * k + j];
                    }
                }
            }
        }
    }

    private static TensorIndex[] ParseIndex(JsonElement index) =>
        index.ValueKind == JsonValueKind.Object && index.TryGetProperty("tuple", out var tuple)
            ? tuple.EnumerateArray().Select(ParseEntry).ToArray()
            : [ParseEntry(index)];

    private static TensorIndex ParseEntry(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Number)
        {
            return e.GetInt32();
        }

        if (e.TryGetProperty("slice", out var slice))
        {
            int? At(int i) => slice[i].ValueKind == JsonValueKind.Null ? null : slice[i].GetInt32();
            return TensorIndex.Slice(At(0), At(1), At(2) ?? 1);
        }

        if (e.TryGetProperty("list", out var list))
        {
            return TensorIndex.Of(list.EnumerateArray().Select(x => x.GetInt32()).ToArray());
        }

        return TensorIndex.NewAxis;
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?")]
    private static partial Regex ScalarPattern();
}
