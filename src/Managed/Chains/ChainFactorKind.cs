namespace FactoredGpu;

/// <summary>What a <see cref="ChainFactor{TScalar}"/> is, and so how a chain step involving it is computed and costed.</summary>
public enum ChainFactorKind
{
    /// <summary>A dense (strided) matrix; a transposed view of another factor of the same chain is recognized as such.</summary>
    Dense,

    /// <summary>A diagonal matrix <c>diag(g)</c>, held as its diagonal <c>g</c>: applying it scales rows or columns (<c>l·r</c> FLOPs).</summary>
    Diagonal,

    /// <summary>The centring projection <c>P_n = I − 11ᵀ/n</c>, held as <c>n</c> alone: applying it subtracts means (<c>2·l·r</c> FLOPs).</summary>
    Centring,
}
