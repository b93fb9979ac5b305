namespace FactoredGpu.Bench.Infrastructure;

/// <summary>Which way of computing a workload a benchmark method measures.</summary>
internal enum Route
{
    /// <summary>FactoredGpu's route: the library call a user would make.</summary>
    Ours,

    /// <summary>TransformerLens's algorithm (eager factored products associated as it does them) on our kernels.</summary>
    TransformerLens,

    /// <summary>The naive dense route: form the product, then reduce it.</summary>
    Dense,

    /// <summary>MathNet.Numerics' managed dense linear algebra.</summary>
    MathNet,
}

/// <summary>Marks a benchmark method with the <see cref="Infrastructure.Route"/> it measures, for the quick ratio table.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RouteAttribute(Route route) : Attribute
{
    public Route Route { get; } = route;
}
