namespace FactoredGpu.LinearAlgebra;

/// <summary>Argument validation shared by the batched factorizations, so each reports a mismatch the same way.</summary>
internal static class BatchChecks
{
    public static void NonNegative(int value, string name) => ArgumentOutOfRangeException.ThrowIfNegative(value, name);

    /// <summary>Throws unless <paramref name="actual"/> equals count·a·b.</summary>
    public static void Length(string operation, string name, int actual, int count, int a, int b)
    {
        long expected = (long)count * a * b;
        if (actual != expected)
        {
            throw new ArgumentException($"{operation}: {name} must hold {expected} values ({count} × {a}×{b}) but holds {actual}.", name);
        }
    }
}
