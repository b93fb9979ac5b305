using System.CommandLine;
using System.Globalization;
using FactoredGpu.Cli.Demo;
using FactoredGpu.Kernels;

namespace FactoredGpu.Cli.Commands;

/// <summary>
/// <c>factored demo</c>: TransformerLens's "Factored Matrix Class" walk-through on its seed example
/// (<c>torch.manual_seed(50)</c>: A 5×2, B 2×5), showing what stays factored and what is computed from the factors. A,
/// B and C are the values TransformerLens recorded (<see cref="SeedExample"/>), so each printed number can be compared
/// with TL's notebook one for one.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var accelerator = AcceleratorOption.Create();
        var command = new Command("demo", "Walk through the factored-matrix basics on TransformerLens's seed example (A 5x2, B 2x5).") { accelerator };
        command.SetAction(result =>
        {
            using var backend = Accelerators.Create(Accelerators.Resolve(result.GetValue(accelerator)));
            return Run(backend, Console.Out);
        });
        return command;
    }

    public static int Run(IKernels backend, TextWriter output)
    {
        var seed = SeedExample.Load();
        using var a = StridedTensor<float>.FromArray(backend, seed.A, 5, 2);
        using var b = StridedTensor<float>.FromArray(backend, seed.B, 2, 5);
        using var ab = new FactoredMatrix<float>(a, b);
        output.WriteLine("FactoredGpu demo: TransformerLens's seed example, torch.manual_seed(50); A = randn(5, 2); B = randn(2, 5)");
        output.WriteLine($"  on {Accelerators.Name(backend.Kind)}: {backend.DeviceName}");
        output.WriteLine($"  AB = A·B as factors: {ab}");
        output.WriteLine();

        using var dense = ab.AB();
        float denseNorm = MathF.Sqrt(dense.ToArray().Sum(x => x * x));
        using var norm = ab.Norm();
        output.WriteLine($"Norms       dense ‖AB‖_F = {F(denseNorm)}   factored (two 2x2 Grams, no SVD) = {F(norm.ToScalar())}");

        using var identity = Identity(backend, 5);
        using var denseFactored = new FactoredMatrix<float>(dense, identity);
        using var denseEigen = denseFactored.Eigenvalues();
        using var eigen = ab.Eigenvalues();
        output.WriteLine($"Eigenvalues dense 5x5 eig = [{string.Join(", ", denseEigen.ToArray().Select(C))}]");
        output.WriteLine($"            factored (eig of the 2x2 B·A, the zeros dropped) = [{string.Join(", ", eigen.ToArray().Select(C))}]");

        using var s = ab.S;
        output.WriteLine($"Singular values (from the factors' QR and a 2x2 SVD) = [{string.Join(", ", s.ToArray().Select(F))}]");
        output.WriteLine();

        using var c = StridedTensor<float>.FromArray(backend, seed.C, 5, SeedExample.CColumns);
        using var abc = ab * c;
        using var abcNorm = abc.Factored!.Norm();
        output.WriteLine($"AB·C with C = randn(5, 300) after torch.manual_seed(50) stays factored: {abc.Factored} — A stays 5x2, B·C is 2x300");
        output.WriteLine($"  its norm from the factors = {F5(abcNorm.ToScalar())}   (TransformerLens: {F5(seed.AbcNorm)})");
        output.WriteLine();

        using var recovered = ab.AB();
        float[] expected = Multiply(seed.A, seed.B), actual = recovered.ToArray();
        float worst = expected.Zip(actual, (x, y) => MathF.Abs(x - y)).Max();
        output.WriteLine($"AB recovered from the factors (max |difference| from the direct 5x2·2x5 product: {worst:E1}):");
        for (int i = 0; i < 5; i++)
        {
            output.WriteLine("  " + string.Join(" ", actual.Skip(i * 5).Take(5).Select(x => x.ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture))));
        }

        return 0;
    }

    private static StridedTensor<float> Identity(IKernels backend, int n)
    {
        var data = new float[n * n];
        for (int i = 0; i < n; i++)
        {
            data[i * n + i] = 1;
        }

        return StridedTensor<float>.FromArray(backend, data, n, n);
    }

    private static float[] Multiply(float[] a, float[] b)
    {
        var result = new float[25];
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 5; j++)
            {
                result[i * 5 + j] = a[i * 2] * b[j] + a[i * 2 + 1] * b[5 + j];
            }
        }

        return result;
    }

    private static string F(float x) => x.ToString("0.0000", CultureInfo.InvariantCulture);

    // Widened first: a float's custom format keeps only 7 significant digits, which would print 160.08305 as 160.08310.
    private static string F5(float x) => ((double)x).ToString("0.00000", CultureInfo.InvariantCulture);

    private static string C(System.Numerics.Complex z) =>
        Math.Abs(z.Imaginary) < 5e-5 ? z.Real.ToString("0.0000", CultureInfo.InvariantCulture) : $"{z.Real:0.0000}{z.Imaginary:+0.0000;-0.0000}i";
}
