namespace FactoredGpu;

/// <summary>What a <see cref="ChainStep"/> computes, and so how its FLOPs are counted.</summary>
public enum ChainStepKind
{
    /// <summary>A matrix product <c>l×m · m×r</c>: <c>2·l·m·r</c> FLOPs.</summary>
    Product,

    /// <summary>The trace of a product <c>tr(l×m · m×l)</c>: <c>2·l·m</c> FLOPs.</summary>
    Trace,

    /// <summary><c>Xᵀ·X</c> of a factor and its transposed view, <c>X [n, m]</c>, by the symmetric Gram kernel: <c>n·m·(m+1)</c> FLOPs.</summary>
    Gram,

    /// <summary>
    /// <c>Xᵀ·P_n·X = XᵀX − sᵀs/n</c> (<c>s = 1ᵀX</c>, the column sums): the Gram product, <c>2·n·m</c> for the sums and
    /// <c>2·m²</c> for the rank-1 correction.
    /// </summary>
    ProjectedGram,

    /// <summary>A diagonal applied to an <c>l×r</c> operand (rows or columns scaled): <c>l·r</c> FLOPs.</summary>
    Scale,

    /// <summary>A centring projection applied to an <c>l×r</c> operand (column or row means subtracted): <c>2·l·r</c> FLOPs.</summary>
    Centre,
}
