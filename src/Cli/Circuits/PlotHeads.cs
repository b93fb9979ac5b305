using FactoredGpu.Circuits;

namespace FactoredGpu.Cli.Circuits;

/// <summary><c>--plot-heads</c>: the heads whose OV and full OV eigenvalues are plotted, as <c>L{layer}H{head}</c> names.</summary>
internal static class PlotHeads
{
    /// <summary>The option's name.</summary>
    public const string Option = "--plot-heads";

    /// <summary>The form the option expects, for its help and its errors.</summary>
    public const string Form = "heads as L{layer}H{head}, comma-separated (for example L11H11,L5H1)";

    /// <summary>The heads <paramref name="spec"/> names, in its order without repeats; <see langword="null"/> when it is <see langword="null"/> (the default heads).</summary>
    /// <exception cref="ArgumentException"><paramref name="spec"/> is not of the form <see cref="Form"/> (one line naming the option).</exception>
    public static IReadOnlyList<HeadId>? Parse(string? spec)
    {
        if (spec is null)
        {
            return null;
        }

        var heads = new List<HeadId>();
        foreach (string part in spec.Split(','))
        {
            if (!HeadId.TryParse(part, out var head))
            {
                throw new ArgumentException($"{Option} expects {Form}; got '{spec}'.");
            }

            if (!heads.Contains(head))
            {
                heads.Add(head);
            }
        }

        return heads;
    }

    /// <summary>One line naming the first of <paramref name="heads"/> that is not a head of <paramref name="model"/>, or <see langword="null"/> when all are.</summary>
    public static string? NotInModel(IReadOnlyList<HeadId>? heads, ModelSummary model) =>
        (heads ?? []).Where(h => h.Layer >= model.NLayers || h.Head >= model.NHeads).Select(h =>
            $"{Option} {h}: the model has {model.NLayers} layers x {model.NHeads} heads (L0H0 to L{model.NLayers - 1}H{model.NHeads - 1}).").FirstOrDefault();
}
