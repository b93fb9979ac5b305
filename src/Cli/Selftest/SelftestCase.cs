using System.Diagnostics;
using System.Numerics;
using FactoredGpu.Kernels;

namespace FactoredGpu.Cli.Selftest;

/// <summary>The <see cref="IKernels"/> operations the self-test covers.</summary>
internal enum Operation
{
    Gemm,
    Gram,
    FrobeniusSquaredOfProduct,
    TraceOfProduct,
    DiagonalOfProduct,
    Scale,
}

/// <summary>
/// One self-test case: an <see cref="IKernels"/> operation on operands of a given layout, run at size n on a backend
/// and computed again with plain float64 loops. Size n means a batch of 3 with <c>l = n</c>, <c>m = n/2 + 1</c>,
/// <c>r = n + 3</c>: every dimension differs and none is a multiple of a vector width or tile size.
/// </summary>
/// <param name="Name">What the table shows.</param>
/// <param name="Operation">The operation.</param>
/// <param name="Alpha">The scale of <see cref="Operation.Gemm"/> and <see cref="Operation.Scale"/>.</param>
/// <param name="Beta">The scale of the existing output of <see cref="Operation.Gemm"/>.</param>
/// <param name="ColumnMajorA">Whether the first operand is a transposed (column-major) view.</param>
/// <param name="ColumnMajorB">Whether the second operand is a transposed (column-major) view.</param>
/// <param name="BroadcastA">Whether the first operand is one matrix broadcast to the whole batch.</param>
internal sealed record SelftestCase(string Name, Operation Operation, double Alpha = 1, double Beta = 0,
    bool ColumnMajorA = false, bool ColumnMajorB = false, bool BroadcastA = false)
{
    private const int Count = 3;

    public static IReadOnlyList<SelftestCase> All { get; } =
    [
        new("Gemm A·B, β=0", Operation.Gemm, Alpha: 1.5),
        new("Gemm Aᵀ·B, β=0.5", Operation.Gemm, Alpha: -1, Beta: 0.5, ColumnMajorA: true),
        new("Gemm A·Bᵀ, β=-1.25", Operation.Gemm, Alpha: 0.75, Beta: -1.25, ColumnMajorB: true),
        new("Gram Xᵀ·X", Operation.Gram),
        new("Gram of a transposed view", Operation.Gram, ColumnMajorA: true),
        new("FrobeniusSquaredOfProduct, A broadcast", Operation.FrobeniusSquaredOfProduct, BroadcastA: true),
        new("TraceOfProduct, B transposed", Operation.TraceOfProduct, ColumnMajorB: true),
        new("DiagonalOfProduct", Operation.DiagonalOfProduct),
        new("Scale of a transposed view", Operation.Scale, Alpha: -0.75, ColumnMajorA: true),
    ];

    /// <summary>The case's operands at size <paramref name="n"/>: A, B and the initial C, from fixed seeds.</summary>
    public (Operand A, Operand B, Operand C) Operands(int n)
    {
        int l = n, m = n / 2 + 1, r = Operation == Operation.TraceOfProduct ? n : n + 3;
        return (new Operand(Count, l, m, seed: n, ColumnMajorA, BroadcastA),
                new Operand(Count, m, r, seed: n + 1, ColumnMajorB),
                new Operand(Count, l, r, seed: n + 2));
    }

    /// <summary>Runs the operation on <paramref name="kernels"/>; returns the output and the time of the call plus the output's download.</summary>
    public (double[] Output, TimeSpan Time) Run<T>(IKernels kernels, Operand a, Operand b, Operand c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var owned = new List<IDisposable>();
        try
        {
            var (ma, mb) = (a.Upload<T>(kernels, owned), b.Upload<T>(kernels, owned));
            var mc = Operation == Operation.Gemm ? c.Upload<T>(kernels, owned) : default;
            var output = Operation == Operation.Gemm ? mc.Buffer : kernels.Allocate<T>(OutputLength(a, b));
            owned.Add(output);
            var timer = Stopwatch.StartNew();
            switch (Operation)
            {
                case Operation.Gemm:
                    kernels.Gemm(T.CreateChecked(Alpha), ma, mb, T.CreateChecked(Beta), mc);
                    break;
                case Operation.Gram:
                    kernels.Gram(ma, MatrixBatch<T>.Contiguous(output, Count, a.Cols, a.Cols));
                    break;
                case Operation.FrobeniusSquaredOfProduct:
                    kernels.FrobeniusSquaredOfProduct(ma, mb, output);
                    break;
                case Operation.TraceOfProduct:
                    kernels.TraceOfProduct(ma, mb, output);
                    break;
                case Operation.DiagonalOfProduct:
                    kernels.DiagonalOfProduct(ma, mb, output);
                    break;
                case Operation.Scale:
                    kernels.Scale(T.CreateChecked(Alpha), ma, MatrixBatch<T>.Contiguous(output, Count, a.Rows, a.Cols));
                    break;
            }

            var result = new T[output.Length];
            kernels.Download(output, 0, result.AsSpan());
            timer.Stop();
            return (result.Select(double.CreateChecked).ToArray(), timer.Elapsed);
        }
        finally
        {
            owned.ForEach(d => d.Dispose());
        }
    }

    private int OutputLength(Operand a, Operand b) => Count * Operation switch
    {
        Operation.Gemm => a.Rows * b.Cols,
        Operation.Gram => a.Cols * a.Cols,
        Operation.DiagonalOfProduct => Math.Min(a.Rows, b.Cols),
        Operation.Scale => a.Rows * a.Cols,
        _ => 1,
    };

    /// <summary>
    /// The output computed with plain float64 loops; with <paramref name="magnitudes"/>, the same sums over the
    /// inputs' magnitudes, which bound the rounding error a correct kernel can make (error ≤ c·u·magnitude).
    /// </summary>
    public double[] Expected(Operand a, Operand b, Operand c, bool magnitudes)
    {
        int l = a.Rows, m = a.Cols, r = b.Cols;
        double Product(int batch, int i, int j)
        {
            double sum = 0;
            for (int k = 0; k < m; k++)
            {
                sum += a.At(batch, i, k, magnitudes) * b.At(batch, k, j, magnitudes);
            }

            return sum;
        }

        double Scaled(double x) => magnitudes ? Math.Abs(x) : x;
        var output = new List<double>();
        for (int batch = 0; batch < Count; batch++)
        {
            switch (Operation)
            {
                case Operation.Gemm:
                    for (int i = 0; i < l; i++)
                    {
                        for (int j = 0; j < r; j++)
                        {
                            output.Add(Scaled(Alpha) * Product(batch, i, j) + Scaled(Beta) * c.At(batch, i, j, magnitudes));
                        }
                    }

                    break;
                case Operation.Gram:
                    for (int i = 0; i < m; i++)
                    {
                        for (int j = 0; j < m; j++)
                        {
                            double sum = 0;
                            for (int k = 0; k < l; k++)
                            {
                                sum += a.At(batch, k, i, magnitudes) * a.At(batch, k, j, magnitudes);
                            }

                            output.Add(sum);
                        }
                    }

                    break;
                case Operation.FrobeniusSquaredOfProduct:
                    double squares = 0;
                    for (int i = 0; i < l; i++)
                    {
                        for (int j = 0; j < r; j++)
                        {
                            double p = Product(batch, i, j);
                            squares += p * p;
                        }
                    }

                    output.Add(squares);
                    break;
                case Operation.TraceOfProduct:
                    output.Add(Enumerable.Range(0, l).Sum(i => Product(batch, i, i)));
                    break;
                case Operation.DiagonalOfProduct:
                    output.AddRange(Enumerable.Range(0, Math.Min(l, r)).Select(i => Product(batch, i, i)));
                    break;
                case Operation.Scale:
                    for (int i = 0; i < l; i++)
                    {
                        for (int j = 0; j < m; j++)
                        {
                            output.Add(Scaled(Alpha) * a.At(batch, i, j, magnitudes));
                        }
                    }

                    break;
            }
        }

        return [.. output];
    }
}
