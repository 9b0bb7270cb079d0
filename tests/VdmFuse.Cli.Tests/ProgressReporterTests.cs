using VdmFuse.Cli.Progress;

namespace VdmFuse.Cli.Tests;

/// <summary>Progress as a bar on a terminal, as plain lines otherwise.</summary>
public sealed class ProgressReporterTests
{
    [Fact]
    public void Report_NotTerminal_OneLinePerWholePercentChange()
    {
        var output = new StringWriter { NewLine = "\n" };
        var progress = new ProgressReporter(output, terminal: false, new FakeTime());
        progress.Report(0, 200);
        progress.Report(1, 200);
        progress.Report(2, 200);
        progress.Report(84, 200);
        progress.Report(85, 200);
        progress.Complete();
        Assert.Equal("progress: 0%\nprogress: 1%\nprogress: 42%\nprogress: 100%\n", output.ToString());
    }

    [Fact]
    public void Report_NotTerminalWithLabel_LabelInEachLine()
    {
        var output = new StringWriter { NewLine = "\n" };
        var progress = new ProgressReporter(output, terminal: false, new FakeTime(), "sync m");
        progress.Report(1, 2);
        Assert.Equal("progress: sync m: 50%\n", output.ToString());
    }

    [Fact]
    public void Report_Terminal_RedrawsBarWithPercentAndEta()
    {
        var output = new StringWriter { NewLine = "\n" };
        var time = new FakeTime();
        var progress = new ProgressReporter(output, terminal: true, time, "sync m");
        progress.Report(0, 100);
        time.Advance(TimeSpan.FromSeconds(10));
        progress.Report(25, 100);
        Assert.Equal(
            "\rsync m  [..............................]   0%  ETA --:--" +
            "\rsync m  [#######.......................]  25%  ETA 0:30 ",
            output.ToString());
    }

    [Fact]
    public void Complete_Terminal_FullBarAndNewline()
    {
        var output = new StringWriter { NewLine = "\n" };
        var time = new FakeTime();
        var progress = new ProgressReporter(output, terminal: true, time);
        time.Advance(TimeSpan.FromSeconds(3));
        progress.Report(50, 100);
        progress.Complete();
        progress.Complete();
        Assert.Equal(
            "\r[###############...............]  50%  ETA 0:03" +
            "\r[##############################] 100%  ETA 0:00\n",
            output.ToString());
    }

    [Fact]
    public void Report_Terminal_ShorterLineErasesLongerOne()
    {
        var output = new StringWriter { NewLine = "\n" };
        var time = new FakeTime();
        var progress = new ProgressReporter(output, terminal: true, time);
        progress.Report(1, 100);
        time.Advance(TimeSpan.FromHours(2));
        progress.Report(2, 100);
        time.Advance(TimeSpan.FromSeconds(1));
        progress.Report(99, 100);
        var lines = output.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith("ETA 98:00:00", lines[1], StringComparison.Ordinal);
        Assert.Equal(lines[1].Length, lines[2].Length);
        Assert.EndsWith("ETA 1:13    ", lines[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(59.2, "1:00")]
    [InlineData(61, "1:01")]
    [InlineData(3600, "1:00:00")]
    [InlineData(3725, "1:02:05")]
    public void FormatDuration_Seconds_MinutesSecondsOrHours(double seconds, string expected)
    {
        Assert.Equal(expected, ProgressReporter.FormatDuration(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Report_BadTotals_Refused()
    {
        var progress = new ProgressReporter(TextWriter.Null, terminal: false, new FakeTime());
        Assert.Throws<ArgumentOutOfRangeException>(() => progress.Report(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => progress.Report(-1, 10));
    }

    [Fact]
    public void Report_NotTerminalWithDetail_DetailInParenthesesOnlyWhenThePercentChanges()
    {
        var output = new StringWriter { NewLine = "\n" };
        var progress = new ProgressReporter(output, terminal: false, new FakeTime(), "sync m");
        progress.Report(1, 4, "100 KiB/s");
        progress.Report(1, 4, "200 KiB/s");
        progress.Report(2, 4, "300 KiB/s");
        Assert.Equal("progress: sync m: 25% (100 KiB/s)\nprogress: sync m: 50% (300 KiB/s)\n", output.ToString());
    }

    [Fact]
    public void Stop_Terminal_EndsTheLineWithoutReportingFull()
    {
        var output = new StringWriter { NewLine = "\n" };
        var progress = new ProgressReporter(output, terminal: true, new FakeTime());
        progress.Report(1, 4, "9 KiB/s");
        progress.Stop();
        progress.Complete();
        Assert.Equal("\r[#######.......................]  25%  ETA 0:00  9 KiB/s\n", output.ToString());
    }
}
