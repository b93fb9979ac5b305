using System.Globalization;
using System.Numerics;
using System.Text;

namespace FactoredGpu;

/// <summary>
/// Writes a tensor's values as PyTorch prints them: nested brackets, one row per line, four decimals in a common width
/// (scientific notation when the magnitudes span too much for that), and, past 1000 elements, only the first and last
/// three entries of each long dimension around <c>...</c>.
/// </summary>
/// <remarks>
/// Only the elements shown are read, so printing a 154 MB embedding reads a few dozen numbers. A complex tensor prints
/// each element as <c>re+imj</c>, as PyTorch does.
/// </remarks>
internal static class TensorFormatter
{
    /// <summary>Tensors with more elements than this are summarized (PyTorch's <c>threshold</c>).</summary>
    public const int Threshold = 1000;

    /// <summary>Entries shown at each end of a summarized dimension (PyTorch's <c>edgeitems</c>).</summary>
    public const int EdgeItems = 3;

    /// <summary>The text of a real tensor.</summary>
    public static string Format<T>(StridedTensor<T> tensor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shown = Shown(tensor);
        return Write(tensor.Shape.ToArray(), shown.Positions, Numbers(shown.Values.Select(v => double.CreateChecked(v))));
    }

    /// <summary>The text of a complex tensor.</summary>
    public static string Format<T>(ComplexTensor<T> tensor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var real = Shown(tensor.Real);
        var imaginary = Shown(tensor.Imaginary);
        string[] re = Numbers(real.Values.Select(v => double.CreateChecked(v)));
        string[] im = Numbers(imaginary.Values.Select(v => double.Abs(double.CreateChecked(v))));
        string[] text = [.. re.Select((r, i) => $"{r}{(imaginary.Values[i] < T.Zero ? '-' : '+')}{im[i].TrimStart()}j")];
        return Write(tensor.Shape.ToArray(), real.Positions, text);
    }

    // The positions shown along each dimension (all, or the first and last EdgeItems when summarizing) and the values at
    // every combination of them, row-major.
    private static (int[][] Positions, T[] Values) Shown<T>(StridedTensor<T> tensor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] shape = tensor.Shape.ToArray();
        bool summarize = tensor.Length > Threshold;
        int[][] positions = [.. shape.Select(n => summarize && n > 2 * EdgeItems
            ? [.. Enumerable.Range(0, EdgeItems), .. Enumerable.Range(n - EdgeItems, EdgeItems)]
            : Enumerable.Range(0, n).ToArray())];
        if (!summarize)
        {
            return (positions, tensor.ToArray());
        }

        var values = new List<T>();
        var index = new int[shape.Length];
        void Visit(int axis)
        {
            if (axis == shape.Length)
            {
                values.Add(tensor[index]);
                return;
            }

            foreach (int p in positions[axis])
            {
                index[axis] = p;
                Visit(axis + 1);
            }
        }

        Visit(0);
        return (positions, [.. values]);
    }

    // Every value in one format and width: fixed with 4 decimals, or scientific when the largest magnitude is at least
    // 1e8 or is over 1000 times the smallest non-zero one (PyTorch's rule).
    private static string[] Numbers(IEnumerable<double> values)
    {
        double[] all = [.. values];
        double[] finite = [.. all.Where(double.IsFinite).Select(Math.Abs).Where(v => v > 0)];
        bool scientific = finite.Length > 0 && (finite.Max() >= 1e8 || finite.Max() / finite.Min() > 1000);
        string[] text = [.. all.Select(v => double.IsNaN(v) ? "nan" : double.IsInfinity(v) ? (v > 0 ? "inf" : "-inf")
            : v.ToString(scientific ? "0.0000e+00" : "0.0000", CultureInfo.InvariantCulture))];
        int width = text.Length == 0 ? 0 : text.Max(t => t.Length);
        return [.. text.Select(t => t.PadLeft(width))];
    }

    private static string Write(int[] shape, int[][] positions, string[] values)
    {
        var text = new StringBuilder("tensor(");
        int at = 0;
        Nest(text, shape, positions, values, 0, ref at, "       ");
        return text.Append(')').ToString();
    }

    private static void Nest(StringBuilder text, int[] shape, int[][] positions, string[] values, int axis, ref int at, string indent)
    {
        if (axis == shape.Length)
        {
            text.Append(values[at++]);
            return;
        }

        text.Append('[');
        int[] shown = positions[axis];
        bool last = axis == shape.Length - 1;
        for (int i = 0; i < shown.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
                text.Append(last ? " " : new string('\n', shape.Length - 1 - axis) + indent + new string(' ', axis + 1));
            }

            if (i > 0 && shown[i] != shown[i - 1] + 1)
            {
                text.Append("...,");
                text.Append(last ? " " : new string('\n', shape.Length - 1 - axis) + indent + new string(' ', axis + 1));
            }

            Nest(text, shape, positions, values, axis + 1, ref at, indent);
        }

        text.Append(']');
    }
}
