using System.Globalization;
using System.Text;

namespace VdmFuse.Cli.Progress;

/// <summary>
/// Shows how far a long operation (a mirror sync, a format) has come. On a terminal it redraws one
/// line in place: a bar, the percentage and the estimated time left
/// (<c>sync a  [##########..........]  50%  ETA 0:12</c>); otherwise it prints a plain
/// <c>progress: 50%</c> line each time the whole percentage changes, for logs and scripts.
/// </summary>
public sealed class ProgressReporter
{
    /// <summary>Characters in the bar between its brackets.</summary>
    public const int BarWidth = 30;

    private readonly TextWriter _output;
    private readonly bool _terminal;
    private readonly TimeProvider _time;
    private readonly string _label;
    private readonly long _started;
    private int _lastPercent = -1;
    private int _lastLineLength;
    private bool _completed;

    /// <summary>Creates a reporter.</summary>
    /// <param name="output">Where progress is written (standard output in the tool).</param>
    /// <param name="terminal">Whether <paramref name="output"/> is a terminal (<c>!Console.IsOutputRedirected</c>): draw a bar rather than print lines.</param>
    /// <param name="time">The clock the estimate is measured with.</param>
    /// <param name="label">What is in progress ("sync m"), shown before the bar and in plain lines.</param>
    public ProgressReporter(TextWriter output, bool terminal, TimeProvider time, string label = "")
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(label);
        _output = output;
        _terminal = terminal;
        _time = time;
        _label = label;
        _started = time.GetTimestamp();
    }

    /// <summary>A reporter on the console's standard output, drawing a bar when it is a terminal.</summary>
    public static ProgressReporter ForConsole(string label = "") =>
        new(Console.Out, !Console.IsOutputRedirected, TimeProvider.System, label);

    /// <summary>Reports that <paramref name="done"/> of <paramref name="total"/> units are finished.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="total"/> is not positive or <paramref name="done"/> is negative.</exception>
    public void Report(long done, long total) => Report(done, total, null);

    /// <summary>
    /// Reports that <paramref name="done"/> of <paramref name="total"/> units are finished, with a
    /// <paramref name="detail"/> such as a rate ("2048 KiB/s") shown after the bar, or in parentheses after a plain line's percentage.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="total"/> is not positive or <paramref name="done"/> is negative.</exception>
    public void Report(long done, long total, string? detail)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(total);
        ArgumentOutOfRangeException.ThrowIfNegative(done);
        done = Math.Min(done, total);
        var fraction = (double)done / total;
        var percent = (int)Math.Floor(fraction * 100);
        if (_terminal)
        {
            Draw(fraction, percent, done == total ? TimeSpan.Zero : Estimate(fraction), detail);
        }
        else if (percent != _lastPercent)
        {
            var suffix = string.IsNullOrEmpty(detail) ? "" : $" ({detail})";
            _output.WriteLine(_label.Length > 0 ? $"progress: {_label}: {percent}%{suffix}" : $"progress: {percent}%{suffix}");
            _output.Flush();
        }
        _lastPercent = percent;
    }

    /// <summary>Reports 100% (if not already reported) and ends the bar's line on a terminal.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }
        if (_lastPercent != 100)
        {
            Report(1, 1);
        }
        if (_terminal)
        {
            _output.WriteLine();
            _output.Flush();
        }
        _completed = true;
    }

    /// <summary>Ends the bar's line on a terminal without reporting 100% (the operation stopped short); idempotent with <see cref="Complete"/>.</summary>
    public void Stop()
    {
        if (_completed)
        {
            return;
        }
        if (_terminal && _lastPercent >= 0)
        {
            _output.WriteLine();
            _output.Flush();
        }
        _completed = true;
    }

    /// <summary>The time left if the rest goes as fast as what is done; null while nothing is done yet.</summary>
    private TimeSpan? Estimate(double fraction)
    {
        if (fraction <= 0)
        {
            return null;
        }
        var elapsed = _time.GetElapsedTime(_started);
        return TimeSpan.FromTicks((long)(elapsed.Ticks * (1 - fraction) / fraction));
    }

    private void Draw(double fraction, int percent, TimeSpan? left, string? detail)
    {
        var filled = (int)Math.Floor(fraction * BarWidth);
        var line = new StringBuilder();
        if (_label.Length > 0)
        {
            line.Append(_label).Append("  ");
        }
        line.Append('[').Append('#', filled).Append('.', BarWidth - filled).Append("] ")
            .Append(percent.ToString(CultureInfo.InvariantCulture).PadLeft(3)).Append('%')
            .Append("  ETA ").Append(left is { } eta ? FormatDuration(eta) : "--:--");
        if (!string.IsNullOrEmpty(detail))
        {
            line.Append("  ").Append(detail);
        }
        var text = line.ToString();
        var padding = Math.Max(0, _lastLineLength - text.Length);
        _output.Write("\r" + text + new string(' ', padding));
        _output.Flush();
        _lastLineLength = text.Length;
    }

    /// <summary>A duration as <c>M:SS</c>, or <c>H:MM:SS</c> from an hour on.</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        var seconds = (long)Math.Ceiling(Math.Max(0, duration.TotalSeconds));
        var hours = seconds / 3600;
        var minutes = seconds / 60 % 60;
        var rest = seconds % 60;
        return hours > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hours}:{minutes:00}:{rest:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{minutes}:{rest:00}");
    }
}
