namespace FactoredGpu;

/// <summary>
/// One entry of a numpy/PyTorch-style index: an integer, a slice <c>start:stop:step</c>, a list of integers, or a new
/// axis (<c>None</c>). Integers, <see cref="Range"/>s and <c>int[]</c> convert implicitly.
/// </summary>
public readonly record struct TensorIndex
{
    private TensorIndex(TensorIndexKind kind, int value, int? start, int? stop, int step, int[]? list)
    {
        Kind = kind;
        Value = value;
        Start = start;
        Stop = stop;
        Step = step;
        List = list;
    }

    /// <summary>What kind of index this is.</summary>
    public TensorIndexKind Kind { get; }

    /// <summary>The integer, for <see cref="TensorIndexKind.Integer"/>; negative counts from the end.</summary>
    public int Value { get; }

    /// <summary>The slice start (null: from the beginning), for <see cref="TensorIndexKind.Slice"/>.</summary>
    public int? Start { get; }

    /// <summary>The slice stop, exclusive (null: to the end), for <see cref="TensorIndexKind.Slice"/>.</summary>
    public int? Stop { get; }

    /// <summary>The slice step (positive), for <see cref="TensorIndexKind.Slice"/>.</summary>
    public int Step { get; }

    /// <summary>The selected positions, for <see cref="TensorIndexKind.List"/>.</summary>
    public int[]? List { get; }

    /// <summary>The whole dimension, <c>:</c>.</summary>
    public static TensorIndex All { get; } = Slice(null, null);

    /// <summary>A new axis of size 1, Python's <c>None</c>.</summary>
    public static TensorIndex NewAxis { get; } = new(TensorIndexKind.NewAxis, 0, null, null, 1, null);

    /// <summary>An integer index.</summary>
    /// <param name="value">The position; negative counts from the end.</param>
    /// <returns>The index.</returns>
    public static TensorIndex At(int value) => new(TensorIndexKind.Integer, value, null, null, 1, null);

    /// <summary>A slice <c>start:stop:step</c> with Python's clamping.</summary>
    /// <param name="start">First position (negative counts from the end); null for the beginning.</param>
    /// <param name="stop">Position after the last (negative counts from the end); null for the end.</param>
    /// <param name="step">Distance between positions; must be positive.</param>
    /// <returns>The index.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is not positive.</exception>
    public static TensorIndex Slice(int? start, int? stop, int step = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(step);
        return new(TensorIndexKind.Slice, 0, start, stop, step, null);
    }

    /// <summary>A list (advanced) index selecting the given positions in order.</summary>
    /// <param name="positions">The positions; negative counts from the end.</param>
    /// <returns>The index.</returns>
    public static TensorIndex Of(params int[] positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        return new(TensorIndexKind.List, 0, null, null, 1, (int[])positions.Clone());
    }

    /// <summary>An integer index.</summary>
    /// <param name="value">The position.</param>
    public static implicit operator TensorIndex(int value) => At(value);

    /// <summary>A slice from a C# range (<c>1..3</c>, <c>..^1</c>); <c>^i</c> becomes <c>-i</c>.</summary>
    /// <param name="range">The range.</param>
    public static implicit operator TensorIndex(Range range) => Slice(
        range.Start.IsFromEnd ? (range.Start.Value == 0 ? int.MaxValue : -range.Start.Value) : range.Start.Value,
        range.End.IsFromEnd ? (range.End.Value == 0 ? null : -range.End.Value) : range.End.Value);

    /// <summary>A list index.</summary>
    /// <param name="positions">The positions.</param>
    public static implicit operator TensorIndex(int[] positions) => Of(positions);

    /// <summary>Python-style text: <c>3</c>, <c>1:4:2</c>, <c>[0, 4]</c>, <c>None</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Kind switch
    {
        TensorIndexKind.Integer => Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TensorIndexKind.Slice => $"{Start}:{Stop}" + (Step == 1 ? string.Empty : $":{Step}"),
        TensorIndexKind.List => "[" + string.Join(", ", List!) + "]",
        _ => "None",
    };
}

/// <summary>The kinds of <see cref="TensorIndex"/>.</summary>
public enum TensorIndexKind
{
    /// <summary>A single position; the dimension is removed.</summary>
    Integer,

    /// <summary>A strided range of positions.</summary>
    Slice,

    /// <summary>An explicit list of positions (a gather).</summary>
    List,

    /// <summary>A new axis of size 1.</summary>
    NewAxis,
}
