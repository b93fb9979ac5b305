namespace FactoredGpu; internal static class Placeholder { }
