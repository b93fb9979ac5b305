namespace FactoredGpu.Circuits;

/// <summary>Complex eigenvalues per head as two parallel real arrays, <c>[L][H][n]</c>.</summary>
/// <param name="Real">Real parts.</param>
/// <param name="Imag">Imaginary parts, same shape as <paramref name="Real"/>.</param>
public sealed record EigenvalueTable(double[][][] Real, double[][][] Imag);
