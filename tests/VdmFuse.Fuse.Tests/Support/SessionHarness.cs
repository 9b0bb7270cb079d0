using VdmFuse.Fuse.Api;
using VdmFuse.Fuse.Session;
using VdmFuse.Native;
using static VdmFuse.Fuse.Tests.Support.Bytes;

namespace VdmFuse.Fuse.Tests.Support;

/// <summary>A <see cref="FuseSession"/> running on its own thread over a socket pair, with the test as the kernel.</summary>
internal sealed class SessionHarness : IDisposable
{
    private readonly Thread _thread;
    private Exception? _failure;

    public SessionHarness(int bufferCount = 72, ILoopParticipant? io = null, bool start = true)
    {
        Session = new FuseSession(Device.SessionFd, FileSystem, io, bufferCount);
        _thread = new Thread(() =>
        {
            try
            {
                Session.Run();
            }
            catch (Exception e)
            {
                _failure = e;
            }
        }) { IsBackground = true, Name = "fuse-session-test" };
        if (start)
        {
            Start();
        }
    }

    public SocketPairDevice Device { get; } = new();

    public ScriptedFileSystem FileSystem { get; } = new();

    public FuseSession Session { get; }

    public void Start() => _thread.Start();

    /// <summary>Sends INIT 7.38 offering every flag and returns the reply.</summary>
    public SocketPairDevice.Reply Init(ulong unique = 1)
    {
        Device.Send(Request(26, unique, 0, Concat(U32(7), U32(38), U32(0x20000), U32(0xFFFF_FFFF), U32(0), new byte[44])));
        return Device.Receive();
    }

    public bool WaitForExit(int timeoutMs = 5000) => _thread.Join(timeoutMs);

    public Exception? Failure => _failure;

    public void Dispose()
    {
        Session.Stop();
        Assert.True(_thread.Join(5000), "the session did not stop");
        Session.Dispose();
        Device.Dispose();
    }
}
