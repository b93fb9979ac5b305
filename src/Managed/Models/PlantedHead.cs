namespace FactoredGpu.Models;

/// <summary>An attention head of the synthetic model whose OV circuit was built to copy or to anti-copy.</summary>
/// <param name="Layer">The head's layer.</param>
/// <param name="Head">The head's index in its layer.</param>
/// <param name="Copying">
/// <see langword="true"/>: <c>W_O = +W_Vᵀ</c>, so the OV circuit is positive semi-definite (copying score +1);
/// <see langword="false"/>: <c>W_O = −W_Vᵀ</c> (score −1).
/// </param>
public sealed record PlantedHead(int Layer, int Head, bool Copying);
