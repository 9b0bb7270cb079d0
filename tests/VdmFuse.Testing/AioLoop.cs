using Tmds.Linux;
using VdmFuse.Native;

namespace VdmFuse.Testing;

/// <summary>
/// Drives an <see cref="AioContext"/> the way the FUSE loop does, on the calling thread: the context is
/// <see cref="AioContext.Current"/> while the test queues I/O, then <see cref="RunUntil"/> submits the
/// burst, polls <see cref="AioContext.PollFd"/> and reaps until a condition holds.
/// </summary>
public sealed class AioLoop : IDisposable
{
    private readonly AioContext? _previous;

    /// <summary>Creates a context and makes it current on this thread.</summary>
    public AioLoop(int capacity = 256)
    {
        Context = new AioContext(capacity);
        _previous = AioContext.Current;
        AioContext.Current = Context;
    }

    /// <summary>The context under test.</summary>
    public AioContext Context { get; }

    /// <summary>Number of times the poll descriptor was found readable.</summary>
    public int Wakeups { get; private set; }

    /// <summary>Ends the burst, then polls and reaps until <paramref name="done"/> returns true.</summary>
    /// <exception cref="TimeoutException">Not done within 10 seconds.</exception>
    public unsafe void RunUntil(Func<bool> done)
    {
        Context.EndOfBurst();
        var deadline = Environment.TickCount64 + 10_000;
        while (!done())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"not done within 10 s ({Context.InFlight} in flight, {Context.Queued} queued)");
            }
            // A short timeout: work that left the loop thread (a contended lock) completes without a wake-up.
            var pfd = new pollfd { fd = Context.PollFd, events = LibC.POLLIN };
            if (LibC.poll(&pfd, 1, 20) > 0)
            {
                Wakeups++;
                Context.OnReadable();
            }
            else
            {
                Context.EndOfBurst();
            }
        }
    }

    /// <summary>Runs the loop until <paramref name="task"/> completes and returns its result.</summary>
    public T Run<T>(ValueTask<T> task)
    {
        RunUntil(() => task.IsCompleted);
        return ResultOf(task);
    }

    /// <summary>Runs the loop until <paramref name="task"/> completes and rethrows its error.</summary>
    public void Run(ValueTask task)
    {
        RunUntil(() => task.IsCompleted);
        task.GetAwaiter().GetResult();
    }

    /// <summary>The result of a task the loop has already completed (throws its error).</summary>
    /// <exception cref="InvalidOperationException">The task has not completed.</exception>
    public static T ResultOf<T>(ValueTask<T> task) => task.IsCompleted
        ? task.GetAwaiter().GetResult()
        : throw new InvalidOperationException("the operation has not completed");

    /// <summary>Restores the previous current context and closes this one.</summary>
    public void Dispose()
    {
        AioContext.Current = _previous;
        Context.Dispose();
    }
}
