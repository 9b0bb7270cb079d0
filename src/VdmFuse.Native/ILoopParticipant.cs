namespace VdmFuse.Native;

/// <summary>
/// Something that a single-threaded event loop (the FUSE session) drives besides its own device:
/// an asynchronous I/O context whose completions are signalled on a pollable descriptor.
/// </summary>
/// <remarks>
/// The loop polls <see cref="PollFd"/> together with /dev/fuse. It reads a burst of requests,
/// sets <see cref="PreferInline"/> when the burst holds a lone request and nothing is in flight,
/// dispatches the burst, then calls <see cref="EndOfBurst"/> so that everything queued during the
/// burst is submitted with one system call. When <see cref="PollFd"/> is readable the loop calls
/// <see cref="OnReadable"/>, which reaps completions and runs their continuations on the loop thread.
/// All members are called on the loop thread only.
/// </remarks>
public interface ILoopParticipant
{
    /// <summary>A descriptor that becomes readable when <see cref="OnReadable"/> has work.</summary>
    int PollFd { get; }

    /// <summary>True while the loop handles a lone request: I/O is then done synchronously, inline.</summary>
    bool PreferInline { get; set; }

    /// <summary>Number of operations submitted and not yet completed.</summary>
    int InFlight { get; }

    /// <summary>Reaps completions and runs their continuations.</summary>
    void OnReadable();

    /// <summary>Submits every operation queued since the last call.</summary>
    void EndOfBurst();
}
