namespace FactoredGpu.Circuits;

/// <summary>Q, K and V composition scores between every pair of heads, each <c>[L][H][L][H]</c>.</summary>
/// <param name="Q">Q composition: the first head's OV feeding the second head's queries.</param>
/// <param name="K">K composition: the first head's OV feeding the second head's keys.</param>
/// <param name="V">V composition: the first head's OV feeding the second head's values.</param>
public sealed record CompositionTable(double[][][][] Q, double[][][][] K, double[][][][] V);
