using VdmFuse.Daemon.Hosting;
using Xunit;

namespace VdmFuse.Daemon.Tests;

public class ExitCodesTests
{
    [Fact]
    public void Codes_AreVoldsNumbers()
    {
        Assert.Equal(
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
            new[]
            {
                ExitCodes.StartedEnabled, ExitCodes.BadOption, ExitCodes.StartedDisabled, ExitCodes.AlreadyRunning,
                ExitCodes.StartFailed, ExitCodes.DiedBeforeMode, ExitCodes.UnsupportedFormat, ExitCodes.ResetFailed,
                ExitCodes.MountFailed, ExitCodes.FailedAfterStart,
            });
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(4, 4)]
    [InlineData(6, 6)]
    [InlineData(7, 7)]
    [InlineData(8, 8)]
    [InlineData(0, 5)]
    [InlineData(2, 5)]
    [InlineData(9, 5)]
    [InlineData(134, 5)]
    [InlineData(137, 5)]
    [InlineData(143, 5)]
    public void ForEarlyExit_ChildCode_StartFailureOrDied(int child, int expected) => Assert.Equal(expected, ExitCodes.ForEarlyExit(child));

    [Theory]
    [InlineData(true, "", "vdmfuse-mode: enabled")]
    [InlineData(false, "fewer than two good copies", "vdmfuse-mode: disabled fewer than two good copies")]
    public void ModeLine_FormatAndParse_RoundTrip(bool enabled, string reason, string line)
    {
        Assert.Equal(line, ModeReporter.FormatLine(enabled, reason));
        Assert.True(ModeReporter.TryParseLine(line, out var parsedEnabled, out var parsedReason));
        Assert.Equal(enabled, parsedEnabled);
        Assert.Equal(reason, parsedReason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("vdmfuse: mounted")]
    [InlineData("vdmfuse-mode: sleeping")]
    public void TryParseLine_OtherLine_False(string? line) => Assert.False(ModeReporter.TryParseLine(line, out _, out _));
}
