using System.Globalization;
using VdmFuse.Control;

namespace VdmFuse.Cli.Transport;

/// <summary>
/// Retries a command while no daemon answers (the control file or the mount is missing, or the
/// mount is stale), as a daemon that restarts leaves it for a moment: a short backoff that doubles
/// up to <see cref="MaxDelay"/>, for at most the given wait. Other failures pass through at once.
/// </summary>
public sealed class RetryingControlChannel : IControlChannel
{
    /// <summary>The first pause between attempts.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest pause between attempts.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    private readonly IControlChannel _inner;
    private readonly TimeSpan _wait;
    private readonly TimeProvider _time;
    private readonly Action<TimeSpan> _sleep;

    /// <summary>Creates a channel that retries <paramref name="inner"/> for up to <paramref name="wait"/>.</summary>
    /// <param name="inner">The channel that reaches the control file.</param>
    /// <param name="wait">How long to keep trying after the first failure; zero tries once.</param>
    /// <param name="time">The clock that measures the wait.</param>
    /// <param name="sleep">Pauses between attempts (<see cref="Thread.Sleep(TimeSpan)"/> in the tool).</param>
    public RetryingControlChannel(IControlChannel inner, TimeSpan wait, TimeProvider time, Action<TimeSpan> sleep)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(sleep);
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        _inner = inner;
        _wait = wait;
        _time = time;
        _sleep = sleep;
    }

    /// <inheritdoc/>
    /// <exception cref="ControlException">No daemon answered within the wait: the errno of the last attempt and a sentence naming the control file.</exception>
    public ControlReply Send(ControlCommand command)
    {
        var started = _time.GetTimestamp();
        var delay = FirstDelay;
        while (true)
        {
            try
            {
                return _inner.Send(command);
            }
            catch (ControlTransportException e) when (e.DaemonAbsent)
            {
                var remaining = _wait - _time.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero)
                {
                    throw new ControlException(e.Errno,
                        $"no vdmfuse daemon answers at {e.Path} ({e.ErrnoName}) after {Seconds(_wait)} s");
                }
                _sleep(delay < remaining ? delay : remaining);
                delay = delay * 2 < MaxDelay ? delay * 2 : MaxDelay;
            }
        }
    }

    private static string Seconds(TimeSpan wait) => wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
