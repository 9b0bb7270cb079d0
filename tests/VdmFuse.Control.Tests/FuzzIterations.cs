using System.Globalization;

namespace VdmFuse.Control.Tests;

/// <summary>
/// How many cases each fuzz test runs: 100,000 by default, or VDM_FUZZ_ITERATIONS for a longer run
/// (docs/CONTROL.md, "Fuzzing").
/// </summary>
internal static class FuzzIterations
{
    public static int Count { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("VDM_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 100_000
            ? count
            : 100_000;
}
