namespace FactoredGpu.LinearAlgebra;

/// <summary>Row-major copies between a caller's layout and the working layout of the factorizations.</summary>
internal static class MatrixLayout
{
    /// <summary>destination (cols×rows) ← sourceᵀ for a row-major rows×cols source.</summary>
    public static void Transpose(ReadOnlySpan<double> source, int rows, int cols, Span<double> destination)
    {
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> row = source.Slice(i * cols, cols);
            for (int j = 0; j < cols; j++)
            {
                destination[j * rows + i] = row[j];
            }
        }
    }
}
