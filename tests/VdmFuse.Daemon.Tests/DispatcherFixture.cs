using VdmFuse.Control;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Engine;
using VdmFuse.Native;
using VdmFuse.Testing;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>A registry over real image files in a scratch directory and a dispatcher over it, for the dispatcher's tests.</summary>
public abstract class DispatcherFixture : IDisposable
{
    protected const long ImageSize = 64L << 20;

    /// <summary>An ordinary user: uid and gid 1000, no process to read groups from.</summary>
    protected static readonly ControlCaller Unprivileged = new(1000, 1000, 0);

    protected DispatcherFixture(AccessPolicy? access = null)
    {
        Registry = new InstanceRegistry();
        Dispatcher = new ControlDispatcher(Registry, access);
        Image = Scratch.CreateFile("a.img", ImageSize);
    }

    protected ScratchDirectory Scratch { get; } = new();

    protected InstanceRegistry Registry { get; }

    protected ControlDispatcher Dispatcher { get; }

    /// <summary>A 64 MiB image file, not yet opened.</summary>
    protected string Image { get; }

    public void Dispose()
    {
        Registry.Dispose();
        Scratch.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs a text line as root and returns the parsed reply.</summary>
    protected ControlReply Run(string line) => Run(line, new ControlCaller(0, 0, 0));

    /// <summary>Runs a text line as <paramref name="caller"/> and returns the parsed reply.</summary>
    protected ControlReply Run(string line, ControlCaller caller)
    {
        var outcome = Dispatcher.ExecuteLine(line, caller);
        var reply = TextCodec.ParseReply(outcome.Text);
        Assert.Equal(outcome.Errno, reply.Errno);
        return reply;
    }

    /// <summary>Runs a text line as root and asserts it succeeded.</summary>
    protected ControlReply Ok(string line)
    {
        var reply = Run(line);
        Assert.True(reply.IsOk, $"'{line}' failed: {reply.ErrnoName} {reply.Message}");
        return reply;
    }

    /// <summary>Asserts the reply is the error <paramref name="errno"/> with exactly <paramref name="message"/>.</summary>
    protected static void AssertError(ControlReply reply, int errno, string message)
    {
        Assert.False(reply.IsOk, $"expected {Errno.Name(errno)} '{message}', got ok");
        Assert.Equal(Errno.Name(errno), reply.ErrnoName);
        Assert.Equal(message, reply.Message);
    }

    /// <summary>Creates physical 'a' (64 MiB, device 1) and partitions 'p' (blocks 2048 + 4096, device 2) and 'q' (blocks 0 + 100, device 3).</summary>
    protected void CreateDiskAndPartitions()
    {
        Ok($"create-instance subdriver=physical name=a path={Image}");
        Ok("create-instance subdriver=partition name=p child=a start=2048 size=4096");
        Ok("create-instance subdriver=partition name=q child=a start=0 size=100");
    }
}
