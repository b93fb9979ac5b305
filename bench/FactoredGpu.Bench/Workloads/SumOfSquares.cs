using MathNet.Numerics.LinearAlgebra;

namespace FactoredGpu.Bench.Workloads;

/// <summary>
/// The Frobenius norm of a dense matrix as <c>√Σx²</c> over its entries, one pass. MathNet's <c>FrobeniusNorm()</c>
/// forms <c>A·Aᵀ</c> first (a 768×768 norm then costs 0.9 GFLOP), which would make the dense baselines look worse
/// than the route they stand for.
/// </summary>
internal static class SumOfSquares
{
    public static float Norm(Matrix<float> matrix)
    {
        double sum = 0;
        foreach (float x in matrix.AsColumnMajorArray() ?? matrix.ToColumnMajorArray())
        {
            sum += (double)x * x;
        }

        return (float)Math.Sqrt(sum);
    }
}
