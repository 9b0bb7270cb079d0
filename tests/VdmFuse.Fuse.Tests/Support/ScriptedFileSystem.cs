using System.Collections.Concurrent;
using System.Text;
using VdmFuse.Fuse.Api;
using VdmFuse.Native;

namespace VdmFuse.Fuse.Tests.Support;

/// <summary>
/// A small file system whose LOOKUP behaviour is chosen by the name looked up, to drive the session's
/// error paths: "boom" throws, "enoent" throws ErrnoException(ENOENT), "silent" returns without replying,
/// "later" replies when <see cref="Later"/> completes, "interruptible" too unless
/// an INTERRUPT comes first (then EINTR), "twice" replies twice; any other name is node 2.
/// </summary>
internal sealed class ScriptedFileSystem : IFuseFileSystem
{
    public static readonly byte[] Content = Encoding.ASCII.GetBytes("hello from vdmfuse\n");

    public TaskCompletionSource Later { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FuseInitInfo? InitInfo { get; private set; }

    public int DestroyCalls;

    public ConcurrentQueue<(NodeId Node, ulong Lookups)> Forgotten { get; } = new();

    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>Alignment remainder (address % 4096) of each WRITE payload seen.</summary>
    public ConcurrentQueue<long> WriteAlignments { get; } = new();

    public ConcurrentQueue<byte[]> Written { get; } = new();

    public static FuseAttr FileAttr(ulong ino) => new()
    {
        Ino = ino,
        Size = (ulong)Content.Length,
        Blocks = 1,
        Mode = 0x8000 | 0x1A4, // regular, 0644
        Nlink = 1,
        BlkSize = 4096,
        Mtime = 1_700_000_000,
    };

    public static FuseAttr DirAttr(ulong ino) => new() { Ino = ino, Mode = 0x4000 | 0x1ED, Nlink = 2, BlkSize = 4096 };

    public void Init(FuseInitInfo info) => InitInfo = info;

    public void Destroy() => Interlocked.Increment(ref DestroyCalls);

    public async ValueTask Lookup(FuseRequest request, NodeId parent, string name)
    {
        Calls.Enqueue("lookup " + name);
        switch (name)
        {
            case "boom":
                throw new InvalidOperationException("handler bug");
            case "enoent":
                throw new ErrnoException(Errno.ENOENT, "No entry named enoent in the test tree.");
            case "silent":
                return;
            case "later":
                await Later.Task;
                request.ReplyEntry(Entry(3));
                return;
            case "interruptible":
                // Waits for Later like "later", but gives up with EINTR when the kernel interrupts the request.
                var interrupted = request.Interrupted;
                try
                {
                    await Later.Task.WaitAsync(interrupted);
                }
                catch (OperationCanceledException)
                {
                    request.ReplyError(Errno.EINTR);
                    return;
                }
                request.ReplyEntry(Entry(4));
                return;
            case "twice":
                request.ReplyEntry(Entry(2));
                request.ReplyEntry(Entry(2));
                return;
            default:
                request.ReplyEntry(Entry(2));
                return;
        }
    }

    public static FuseEntry Entry(ulong node) => new()
    {
        Node = new NodeId(node),
        Generation = 1,
        EntryTimeout = TimeSpan.FromSeconds(1),
        AttrTimeout = TimeSpan.FromSeconds(1),
        Attr = FileAttr(node),
    };

    public void Forget(NodeId node, ulong lookups) => Forgotten.Enqueue((node, lookups));

    public ValueTask GetAttr(FuseRequest request, NodeId node, FileHandle? fh)
    {
        request.ReplyAttr(node == NodeId.Root ? DirAttr(1) : FileAttr(node.Value), TimeSpan.FromSeconds(1));
        return ValueTask.CompletedTask;
    }

    public ValueTask SetAttr(FuseRequest request, NodeId node, SetAttrRequest attr)
    {
        request.ReplyAttr(FileAttr(node.Value), TimeSpan.FromSeconds(1));
        return ValueTask.CompletedTask;
    }

    public ValueTask Open(FuseRequest request, NodeId node, int flags)
    {
        request.ReplyOpen(new FileHandle(7), OpenReplyFlags.KeepCache);
        return ValueTask.CompletedTask;
    }

    public ValueTask Read(FuseRequest request, NodeId node, FileHandle fh, long offset, int size, int flags)
    {
        int length = (int)Math.Clamp(Content.Length - offset, 0, size);
        var buffer = request.GetReadBuffer(size);
        Content.AsSpan((int)Math.Min(offset, Content.Length), length).CopyTo(buffer.Span);
        request.ReplyReadBuffer(length);
        return ValueTask.CompletedTask;
    }

    public unsafe ValueTask Write(FuseRequest request, NodeId node, FileHandle fh, long offset, ReadOnlyMemory<byte> data, uint writeFlags, int flags)
    {
        using (var pin = data.Pin())
        {
            WriteAlignments.Enqueue((long)pin.Pointer % 4096);
        }
        Written.Enqueue(data.ToArray());
        request.ReplyWrite((uint)data.Length);
        return ValueTask.CompletedTask;
    }

    public ValueTask Flush(FuseRequest request, NodeId node, FileHandle fh) => Empty(request);

    public ValueTask Fsync(FuseRequest request, NodeId node, FileHandle fh, bool dataOnly) => Empty(request);

    public ValueTask Release(FuseRequest request, NodeId node, FileHandle fh, int flags) => Empty(request);

    public ValueTask OpenDir(FuseRequest request, NodeId node, int flags)
    {
        request.ReplyOpen(new FileHandle(9), OpenReplyFlags.None);
        return ValueTask.CompletedTask;
    }

    public ValueTask ReadDir(FuseRequest request, NodeId node, FileHandle fh, long offset, int size, bool plus)
    {
        request.ReplyDirectory(
        [
            new DirEntry(".", new FuseEntry { Node = NodeId.Root, Attr = DirAttr(1) }),
            new DirEntry("..", new FuseEntry { Node = NodeId.Root, Attr = DirAttr(1) }),
            new DirEntry("hello", Entry(2)),
        ], offset);
        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseDir(FuseRequest request, NodeId node, FileHandle fh) => Empty(request);

    public ValueTask StatFs(FuseRequest request, NodeId node)
    {
        request.ReplyStatFs(new FuseStatFs { Blocks = 100, BlocksFree = 50, BlocksAvailable = 40, BlockSize = 4096, NameLength = 255, FragmentSize = 4096 });
        return ValueTask.CompletedTask;
    }

    public ValueTask Access(FuseRequest request, NodeId node, int mask) => Empty(request);

    public ValueTask GetXattr(FuseRequest request, NodeId node, string name, int size)
    {
        request.ReplyError(Errno.ENODATA);
        return ValueTask.CompletedTask;
    }

    public ValueTask ListXattr(FuseRequest request, NodeId node, int size)
    {
        if (size == 0)
        {
            request.ReplyXattrSize(0);
        }
        else
        {
            request.ReplyData([]);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask Ioctl(FuseRequest request, NodeId node, IoctlRequest ioctl)
    {
        var output = ioctl.Input.ToArray().Reverse().ToArray();
        request.ReplyIoctl(42, output);
        return ValueTask.CompletedTask;
    }

    public ValueTask Lseek(FuseRequest request, NodeId node, FileHandle fh, long offset, int whence)
    {
        request.ReplyLseek(offset + 1);
        return ValueTask.CompletedTask;
    }

    private static ValueTask Empty(FuseRequest request)
    {
        request.ReplyEmpty();
        return ValueTask.CompletedTask;
    }
}
