using System.Buffers.Binary;
using FactoredGpu.Cli.Circuits;
using Xunit;

namespace FactoredGpu.Tests.Cli;

/// <summary>The PNG plots: real PNG files of the documented size, one per chart.</summary>
public sealed class PngChartsTests
{
    [Fact]
    public void Every_chart_is_a_png_of_the_documented_size()
    {
        var output = SampleReports.Create(layers: 4, heads: 3, synthetic: true);
        string directory = Directory.CreateTempSubdirectory("factored-png-").FullName;
        try
        {
            foreach (var chart in output.Charts())
            {
                string path = PngCharts.Save(chart, directory);
                byte[] bytes = File.ReadAllBytes(path);

                Assert.True(bytes.Length > 1000, $"{path}: {bytes.Length} bytes");
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
                Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
                Assert.Equal(PngCharts.Width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
                Assert.Equal(PngCharts.Height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
            }

            Assert.Equal(
                ["L1H0_eigenvalues.png", "L1H1_eigenvalues.png", "copying_scores_scatter.png", "full_ov_copying_scores.png", "k_composition_scores.png", "ov_copying_scores.png",
                 "q_composition_scores.png", "qk_copying_scores.png", "v_composition_scores.png"],
                Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("FACTOREDGPU_KEEP_TEST_OUTPUT") is null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
