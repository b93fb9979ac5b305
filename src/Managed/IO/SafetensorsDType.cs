namespace FactoredGpu.IO;

/// <summary>The element types of a safetensors tensor that FactoredGpu reads.</summary>
public enum SafetensorsDType
{
    /// <summary>IEEE 754 binary16 (<c>F16</c>).</summary>
    F16,

    /// <summary>bfloat16 (<c>BF16</c>): the upper half of a binary32.</summary>
    BF16,

    /// <summary>IEEE 754 binary32 (<c>F32</c>).</summary>
    F32,

    /// <summary>IEEE 754 binary64 (<c>F64</c>).</summary>
    F64,
}
