namespace FactoredGpu.LinearAlgebra;

/// <summary>The double-precision values of LAPACK's dlamch that the eigenvalue routines use.</summary>
internal static class MachineParameters
{
    /// <summary>dlamch('P'): relative precision times the radix, 2⁻⁵².</summary>
    public const double Precision = 2.220446049250313e-16;

    /// <summary>dlamch('S'): the smallest normal number, 2⁻¹⁰²², whose reciprocal does not overflow.</summary>
    public const double SafeMinimum = 2.2250738585072014e-308;
}
