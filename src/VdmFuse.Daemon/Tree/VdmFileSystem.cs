using System.Buffers.Binary;
using System.Text;
using VdmFuse.Control;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Engine;
using VdmFuse.Engine.Mirror;
using VdmFuse.Engine.Remap;
using VdmFuse.Fuse.Api;
using VdmFuse.Native;

namespace VdmFuse.Daemon.Tree;

/// <summary>
/// The tree under the mount: <c>dsk/</c>, <c>rdsk/</c>, <c>plex/</c> and the control file <c>vdm</c>,
/// served from the instance registry. Runs on the FUSE session thread.
/// </summary>
public sealed class VdmFileSystem : IFuseFileSystem
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    private const uint S_IFDIR = 0x4000;
    private const uint S_IFREG = 0x8000;
    private const uint DiskGroup = 6; // "disk", as for block devices
    private const uint BLKGETSIZE64 = 0x80081272;
    private const uint BLKSSZGET_SIZED = 0x80041268; // _IOR(0x12, 104, int): a sized twin of BLKSSZGET
    private const int MaxControlWrite = 64 * 1024;
    private const ulong ControlHandleBase = 1UL << 40;
    private const int O_ACCMODE = 3;
    private const int O_RDONLY = 0;
    private const int O_TRUNC = 0x200;

    private static readonly TimeSpan DirTimeout = TimeSpan.FromSeconds(1);
    private static readonly string[] XattrNames =
    {
        "user.vdm.subdriver", "user.vdm.device-number", "user.vdm.size", "user.vdm.state",
        "user.vdm.children", "user.vdm.parents", "user.vdm.path", "user.vdm.remapped-blocks", "user.vdm.remap-table",
    };

    private readonly InstanceRegistry _registry;
    private readonly ControlDispatcher _dispatcher;
    private readonly PacketDoor _packets;
    private readonly Dictionary<ulong, ControlFileSession> _controlSessions = new();
    private readonly DateTimeOffset _startTime = DateTimeOffset.UtcNow;
    private readonly uint _diskUid;
    private readonly uint _diskGid;
    private readonly ControlFileNames _controlFiles;
    private ulong _nextControlHandle = ControlHandleBase;

    /// <summary>
    /// Creates the tree over a registry and the control dispatcher. Disks belong to root:disk when the
    /// daemon runs as root, as block devices do, and to the daemon's user and group otherwise.
    /// </summary>
    /// <param name="registry">The instances.</param>
    /// <param name="dispatcher">The control dispatcher.</param>
    /// <param name="daemonUid">The daemon's uid.</param>
    /// <param name="daemonGid">The daemon's gid.</param>
    /// <param name="controlFiles">The names of the request and diagnostic control files; <c>vdm</c> and <c>vdmdiag</c> when null.</param>
    public VdmFileSystem(InstanceRegistry registry, ControlDispatcher dispatcher, uint daemonUid = 0, uint daemonGid = 0, ControlFileNames? controlFiles = null)
    {
        _registry = registry;
        _controlFiles = controlFiles ?? new ControlFileNames();
        _dispatcher = dispatcher;
        _packets = new PacketDoor(dispatcher);
        _diskUid = daemonUid;
        _diskGid = daemonUid == 0 ? DiskGroup : daemonGid;
    }

    /// <inheritdoc/>
    public void Init(FuseInitInfo info) =>
        Log.Debug("FUSE {0}.{1} agreed flags 0x{2:x} max_write {3}", info.Major, info.Minor, info.AgreedFlags, info.MaxWrite);

    /// <inheritdoc/>
    public void Destroy() => Log.Debug("FUSE DESTROY");

    // ---- names and attributes -------------------------------------------------------------

    /// <inheritdoc/>
    public ValueTask Lookup(FuseRequest request, NodeId parent, string name)
    {
        if (parent == NodeIds.Root)
        {
            NodeId? child = name switch
            {
                _ when name == _controlFiles.Request => NodeIds.Control,
                _ when name == _controlFiles.Diagnostic => NodeIds.Diagnostic,
                "dsk" => NodeIds.DskDir,
                "rdsk" => NodeIds.RdskDir,
                "plex" => NodeIds.PlexDir,
                _ => null,
            };
            if (child is null)
            {
                request.ReplyError(Errno.ENOENT);
            }
            else
            {
                request.ReplyEntry(Entry(child.Value, FixedAttr(child.Value)));
            }
            return default;
        }
        if (!TryViewOfDirectory(parent, out var view))
        {
            request.ReplyError(NodeIds.IsControlFile(parent) ? Errno.ENOTDIR : Errno.ENOENT);
            return default;
        }
        var instance = view == DiskView.Plex ? FindPlexImage(name) : FindExported(name, view);
        if (instance is null)
        {
            request.ReplyError(Errno.ENOENT);
            return default;
        }
        var node = NodeIds.ForInstance(instance.DeviceNumber, view);
        request.ReplyEntry(Entry(node, InstanceAttr(instance, node)));
        return default;
    }

    /// <inheritdoc/>
    public void Forget(NodeId node, ulong lookups)
    {
        // Node ids describe themselves: nothing to release.
    }

    /// <inheritdoc/>
    public ValueTask GetAttr(FuseRequest request, NodeId node, FileHandle? fh)
    {
        if (TryFixedAttr(node, out var attr))
        {
            request.ReplyAttr(attr, DirTimeout);
            return default;
        }
        var instance = InstanceOf(node, out var view);
        if (instance is null)
        {
            request.ReplyError(fh is null ? Errno.ENOENT : GoneErrno(node));
            return default;
        }
        request.ReplyAttr(InstanceAttr(instance, node), AttrTimeout(view));
        return default;
    }

    /// <inheritdoc/>
    public ValueTask SetAttr(FuseRequest request, NodeId node, SetAttrRequest attr)
    {
        // A disk keeps its size and data whatever O_TRUNC or truncate(2) ask, as a block device does;
        // mode, owner and times are fixed by the tree. Answer with the unchanged attributes.
        if (TryFixedAttr(node, out var fixedAttr))
        {
            request.ReplyAttr(fixedAttr, DirTimeout);
            return default;
        }
        var instance = InstanceOf(node, out var view);
        if (instance is null)
        {
            request.ReplyError(Errno.ENOENT);
            return default;
        }
        if (view == DiskView.Plex && (attr.Valid & SetAttrValid.Size) != 0)
        {
            return Refuse(request, Errno.EROFS, $"plex/: image '{instance.Name}' is read-only; truncate refused");
        }
        if ((attr.Valid & SetAttrValid.Size) != 0 && attr.Size != (ulong)instance.Size)
        {
            Log.Debug("truncate of {0} to {1} ignored: a disk keeps its size ({2})", instance.Name, attr.Size, instance.Size);
        }
        request.ReplyAttr(InstanceAttr(instance, node), AttrTimeout(view));
        return default;
    }

    /// <inheritdoc/>
    public ValueTask Access(FuseRequest request, NodeId node, int mask)
    {
        // Mounted with default_permissions: the kernel checks modes itself.
        request.ReplyEmpty();
        return default;
    }

    /// <inheritdoc/>
    public ValueTask StatFs(FuseRequest request, NodeId node)
    {
        long bytes = 0;
        var all = _registry.All;
        foreach (var i in all)
        {
            if (i.Children.Count == 0)
            {
                bytes += i.Size;
            }
        }
        var statfs = new FuseStatFs
        {
            BlockSize = 4096,
            FragmentSize = 4096,
            Blocks = (ulong)(bytes / 4096),
            BlocksFree = 0,
            BlocksAvailable = 0,
            Files = (ulong)all.Count * 3 + 5,
            FilesFree = 0,
            NameLength = 255,
        };
        request.ReplyStatFs(statfs);
        return default;
    }

    // ---- directories --------------------------------------------------------------------

    /// <inheritdoc/>
    public ValueTask OpenDir(FuseRequest request, NodeId node, int flags)
    {
        if (node == NodeIds.Root || TryViewOfDirectory(node, out _))
        {
            request.ReplyOpen(new FileHandle(node.Value), OpenReplyFlags.None);
        }
        else
        {
            request.ReplyError(NodeIds.IsControlFile(node) || NodeIds.TryDecode(node, out _, out _) ? Errno.ENOTDIR : Errno.ENOENT);
        }
        return default;
    }

    /// <inheritdoc/>
    public ValueTask ReadDir(FuseRequest request, NodeId node, FileHandle fh, long offset, int size, bool plus)
    {
        var entries = new List<DirEntry>
        {
            new(".", Entry(node, FixedAttr(node))),
            new("..", Entry(NodeIds.Root, FixedAttr(NodeIds.Root))),
        };
        if (node == NodeIds.Root)
        {
            foreach (var (name, child) in new[] { ("dsk", NodeIds.DskDir), ("rdsk", NodeIds.RdskDir), ("plex", NodeIds.PlexDir), (_controlFiles.Request, NodeIds.Control), (_controlFiles.Diagnostic, NodeIds.Diagnostic) })
            {
                entries.Add(new DirEntry(name, Entry(child, FixedAttr(child))));
            }
        }
        else if (node == NodeIds.PlexDir)
        {
            foreach (var (name, image) in PlexEntries())
            {
                var child = NodeIds.ForInstance(image.DeviceNumber, DiskView.Plex);
                entries.Add(new DirEntry(name, Entry(child, InstanceAttr(image, child))));
            }
        }
        else if (TryViewOfDirectory(node, out var view))
        {
            foreach (var instance in _registry.All)
            {
                if (IsVisible(instance, view))
                {
                    var child = NodeIds.ForInstance(instance.DeviceNumber, view);
                    entries.Add(new DirEntry(instance.Name, Entry(child, InstanceAttr(instance, child))));
                }
            }
        }
        else
        {
            request.ReplyError(Errno.ENOTDIR);
            return default;
        }
        request.ReplyDirectory(entries, offset);
        return default;
    }

    /// <inheritdoc/>
    public ValueTask ReleaseDir(FuseRequest request, NodeId node, FileHandle fh)
    {
        request.ReplyEmpty();
        return default;
    }

    // ---- files --------------------------------------------------------------------------

    /// <inheritdoc/>
    public ValueTask Open(FuseRequest request, NodeId node, int flags)
    {
        if (NodeIds.IsControlFile(node))
        {
            var handle = _nextControlHandle++;
            _controlSessions[handle] = new ControlFileSession { OpenerUid = request.Uid, Door = DoorOf(node) };
            request.ReplyOpen(new FileHandle(handle), OpenReplyFlags.DirectIo | OpenReplyFlags.NonSeekable);
            return default;
        }
        if (TryFixedAttr(node, out _))
        {
            request.ReplyError(Errno.EISDIR);
            return default;
        }
        var instance = InstanceOf(node, out var view);
        if (instance is null)
        {
            request.ReplyError(Errno.ENOENT);
            return default;
        }
        if (view == DiskView.Plex && (flags & (O_ACCMODE | O_TRUNC)) != O_RDONLY)
        {
            return Refuse(request, Errno.EROFS, $"plex/: image '{instance.Name}' is read-only (a directed read of one mirror image); open for writing refused");
        }
        if (instance.IsReadOnly && (flags & (O_ACCMODE | O_TRUNC)) != O_RDONLY)
        {
            return Refuse(request, Errno.EROFS, $"{DirName(view)}/{instance.Name}: {instance.Description} is read-only; open for writing refused");
        }
        instance.AddOpen();
        var replyFlags = view == DiskView.Buffered
            ? OpenReplyFlags.None
            : OpenReplyFlags.DirectIo | OpenReplyFlags.ParallelDirectWrites;
        Log.Debug("open {0}/{1} flags 0x{2:x} by uid {3} pid {4}", DirName(view), instance.Name, flags, request.Uid, request.Pid);
        request.ReplyOpen(new FileHandle(node.Value), replyFlags);
        return default;
    }

    /// <inheritdoc/>
    public ValueTask Release(FuseRequest request, NodeId node, FileHandle fh, int flags)
    {
        if (NodeIds.IsControlFile(node))
        {
            _controlSessions.Remove(fh.Value);
        }
        else if (OpenedInstanceOf(node) is { } instance)
        {
            instance.RemoveOpen();
        }
        request.ReplyEmpty();
        return default;
    }

    /// <inheritdoc/>
    public ValueTask Flush(FuseRequest request, NodeId node, FileHandle fh)
    {
        // close(2) of a disk does not imply a cache flush, as with a block device; fsync(2) does.
        request.ReplyEmpty();
        return default;
    }

    /// <inheritdoc/>
    public async ValueTask Fsync(FuseRequest request, NodeId node, FileHandle fh, bool dataOnly)
    {
        var instance = InstanceOf(node, out _);
        if (instance is null)
        {
            if (NodeIds.IsControlFile(node))
            {
                request.ReplyEmpty();
            }
            else
            {
                request.ReplyError(GoneErrno(node));
            }
            return;
        }
        try
        {
            await instance.FlushAsync();
        }
        catch (ErrnoException e)
        {
            await IoFailed(request, e);
            return;
        }
        request.ReplyEmpty();
    }

    /// <inheritdoc/>
    public ValueTask Read(FuseRequest request, NodeId node, FileHandle fh, long offset, int size, int flags)
    {
        if (NodeIds.IsControlFile(node))
        {
            if (!_controlSessions.TryGetValue(fh.Value, out var session))
            {
                request.ReplyError(Errno.EBADF);
                return default;
            }
            request.ReplyData(session.Take(size));
            return default;
        }
        var instance = InstanceOf(node, out var view);
        if (instance is null)
        {
            request.ReplyError(GoneErrno(node));
            return default;
        }
        if (view == DiskView.Raw && ((offset | (long)size) & 511) != 0)
        {
            return Refuse(request, Errno.EINVAL, $"rdsk/{instance.Name}: read of {size} bytes at offset {offset} is not aligned to 512-byte sectors");
        }
        if (offset < 0)
        {
            return Refuse(request, Errno.EINVAL, $"{DirName(view)}/{instance.Name}: negative offset {offset}");
        }
        var length = (int)Math.Min(size, Math.Max(0, instance.Size - offset));
        if (length == 0)
        {
            request.ReplyData(ReadOnlySpan<byte>.Empty);
            return default;
        }
        var buffer = request.GetReadBuffer(length)[..length];
        ValueTask pending;
        try
        {
            // plex/ reads the image itself at any offset and length (the directed mirror read).
            pending = view == DiskView.Raw
                ? instance.ReadAsync(offset, buffer)
                : instance.ReadUnalignedAsync(offset, buffer);
        }
        catch (ErrnoException e)
        {
            return IoFailed(request, e);
        }
        if (pending.IsCompletedSuccessfully)
        {
            request.ReplyReadBuffer(length);
            return default;
        }
        return AwaitRead(request, pending, length);
    }

    private static async ValueTask AwaitRead(FuseRequest request, ValueTask pending, int length)
    {
        try
        {
            await pending;
        }
        catch (ErrnoException e)
        {
            await IoFailed(request, e);
            return;
        }
        request.ReplyReadBuffer(length);
    }

    /// <summary>Answers a request whose disk I/O failed: the errno, and the sentence as a warning for the operator.</summary>
    private static ValueTask IoFailed(FuseRequest request, ErrnoException e)
    {
        Log.Warn(e.Message);
        request.ReplyError(e.Errno);
        return default;
    }

    /// <summary>
    /// The errno of a request on an open file whose instance is gone. An open instance cannot be deleted, so it was
    /// revoked (dismount-dev force=1, a pulled disk): ENXIO, as a block device gives once its disk is gone.
    /// </summary>
    private static int GoneErrno(NodeId node)
    {
        if (!NodeIds.TryDecode(node, out var deviceNumber, out var view))
        {
            return Errno.ENOENT;
        }
        Log.Debug("ENXIO: {0} instance {1}: the open file's instance has been revoked", DirName(view), deviceNumber);
        return Errno.ENXIO;
    }

    /// <summary>Answers a request that a user got wrong: the errno, and the sentence at debug level.</summary>
    private static ValueTask Refuse(FuseRequest request, int errno, string message)
    {
        Log.Debug("{0}: {1}", Errno.Name(errno), message);
        request.ReplyError(errno);
        return default;
    }

    /// <inheritdoc/>
    public ValueTask Write(FuseRequest request, NodeId node, FileHandle fh, long offset, ReadOnlyMemory<byte> data, uint writeFlags, int flags)
    {
        if (NodeIds.IsControlFile(node))
        {
            WriteControl(request, fh, data.Span);
            return default;
        }
        var instance = InstanceOf(node, out var view);
        if (instance is null)
        {
            request.ReplyError(GoneErrno(node));
            return default;
        }
        if (view == DiskView.Plex)
        {
            return Refuse(request, Errno.EROFS, $"plex/: image '{instance.Name}' is read-only; write refused");
        }
        if (view != DiskView.Buffered && ((offset | (long)data.Length) & 511) != 0)
        {
            return Refuse(request, Errno.EINVAL, $"rdsk/{instance.Name}: write of {data.Length} bytes at offset {offset} is not aligned to 512-byte sectors");
        }
        if (offset < 0)
        {
            return Refuse(request, Errno.EINVAL, $"{DirName(view)}/{instance.Name}: negative offset {offset}");
        }
        if (offset >= instance.Size)
        {
            return Refuse(request, Errno.ENOSPC, $"{DirName(view)}/{instance.Name}: write at offset {offset} is at or past the end of the disk ({instance.Size} bytes)");
        }
        var length = (int)Math.Min(data.Length, instance.Size - offset);
        var payload = data[..length];
        ValueTask pending;
        try
        {
            pending = view == DiskView.Buffered
                ? instance.WriteUnalignedAsync(offset, payload)
                : instance.WriteAsync(offset, payload);
        }
        catch (ErrnoException e)
        {
            return IoFailed(request, e);
        }
        if (pending.IsCompletedSuccessfully)
        {
            request.ReplyWrite((uint)length);
            return default;
        }
        return AwaitWrite(request, pending, length);
    }

    private static async ValueTask AwaitWrite(FuseRequest request, ValueTask pending, int length)
    {
        try
        {
            await pending;
        }
        catch (ErrnoException e)
        {
            await IoFailed(request, e);
            return;
        }
        request.ReplyWrite((uint)length);
    }

    private void WriteControl(FuseRequest request, FileHandle fh, ReadOnlySpan<byte> data)
    {
        if (!_controlSessions.TryGetValue(fh.Value, out var session))
        {
            request.ReplyError(Errno.EBADF);
            return;
        }
        if (PacketCodec.LooksLikePacket(data))
        {
            WritePacket(request, session, data);
            return;
        }
        if (data.Length > MaxControlWrite)
        {
            session.Append($"error E2BIG a control write of {data.Length} bytes is larger than {MaxControlWrite} bytes\n");
            request.ReplyError(Errno.E2BIG);
            return;
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(data);
        }
        catch (DecoderFallbackException)
        {
            session.Append("error EINVAL the control file takes UTF-8 text lines; this write is not valid UTF-8\n");
            request.ReplyError(Errno.EINVAL);
            return;
        }
        foreach (var line in text.Split('\n'))
        {
            var outcome = _dispatcher.ExecuteLine(line.TrimEnd('\r'), Caller(request, session.Door));
            session.Append(outcome.Text);
            if (outcome.Errno != 0)
            {
                request.ReplyError(outcome.Errno);
                return;
            }
        }
        request.ReplyWrite((uint)data.Length);
    }

    /// <summary>
    /// The binary front door: a request header and packet, executed; the reply header and packet are queued
    /// for reading on the same open file, and write(2) fails with the errno when the command failed.
    /// </summary>
    private void WritePacket(FuseRequest request, ControlFileSession session, ReadOnlySpan<byte> data)
    {
        var outcome = _packets.ExecuteRequest(data, Caller(request, session.Door));
        session.Append(outcome.Reply);
        if (outcome.Errno == 0)
        {
            request.ReplyWrite((uint)data.Length);
        }
        else
        {
            request.ReplyError(outcome.Errno);
        }
    }

    /// <inheritdoc/>
    public ValueTask Lseek(FuseRequest request, NodeId node, FileHandle fh, long offset, int whence)
    {
        const int SEEK_SET = 0, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
        var instance = InstanceOf(node, out _);
        if (instance is null)
        {
            request.ReplyError(NodeIds.IsControlFile(node) ? Errno.ESPIPE : GoneErrno(node));
            return default;
        }
        switch (whence)
        {
            case SEEK_SET:
                request.ReplyLseek(offset);
                break;
            case SEEK_END:
                request.ReplyLseek(instance.Size + offset);
                break;
            case SEEK_DATA when offset >= 0 && offset < instance.Size:
                request.ReplyLseek(offset);
                break;
            case SEEK_HOLE when offset >= 0 && offset < instance.Size:
                request.ReplyLseek(instance.Size);
                break;
            case SEEK_DATA or SEEK_HOLE:
                request.ReplyError(Errno.ENXIO);
                break;
            default:
                request.ReplyError(Errno.EINVAL);
                break;
        }
        return default;
    }

    /// <inheritdoc/>
    public ValueTask Ioctl(FuseRequest request, NodeId node, IoctlRequest ioctl)
    {
        if (PacketCodec.TryDecodeIoctlNumber(ioctl.Cmd, out var command, out var packetSize))
        {
            if (command == VdmAbi.CmdDkState)
            {
                return WaitingIoctl(request, node, ioctl, command, packetSize);
            }
            ControlIoctl(request, node, ioctl, command, packetSize);
            return default;
        }
        if ((ioctl.Cmd >> 8 & 0xff) == VdmAbi.IoctlType)
        {
            // Our type letter, but no command of ours: a wrong number, direction or size.
            var message = $"ioctl 0x{ioctl.Cmd:x8}: not a vdmfuse command (type 'v', number {ioctl.Cmd & 0xff}, {ioctl.Cmd >> 16 & 0x3fff} bytes); see vdm.h";
            if (NodeIds.IsControlFile(node) && _controlSessions.TryGetValue(ioctl.Fh.Value, out var session))
            {
                session.Append(TextCodec.FormatError(Errno.Name(Errno.EINVAL), message));
            }
            return Refuse(request, Errno.EINVAL, message);
        }
        var instance = InstanceOf(node, out _);
        if (instance is null)
        {
            request.ReplyError(NodeIds.IsControlFile(node) ? Errno.ENOTTY : GoneErrno(node));
            return default;
        }
        Span<byte> output = stackalloc byte[8];
        switch (ioctl.Cmd)
        {
            case BLKGETSIZE64 when ioctl.OutSize >= 8:
                BinaryPrimitives.WriteUInt64LittleEndian(output, (ulong)instance.Size);
                request.ReplyIoctl(0, output[..8]);
                break;
            case BLKSSZGET_SIZED when ioctl.OutSize >= 4:
                BinaryPrimitives.WriteInt32LittleEndian(output, instance.SectorSize);
                request.ReplyIoctl(0, output[..4]);
                break;
            default:
                request.ReplyError(Errno.ENOTTY);
                break;
        }
        return default;
    }

    /// <summary>
    /// The ioctl front door, on the control file and on instance files (where the instance is implied): the
    /// packet in, the packet with its output fields out, or -1 with the errno (the message goes to the log at
    /// debug, and to the control file's reply queue when the ioctl came through it).
    /// </summary>
    private void ControlIoctl(FuseRequest request, NodeId node, IoctlRequest ioctl, uint command, int packetSize)
    {
        if (!TryIoctlTarget(request, node, ioctl, out var implied, out var file, out var session))
        {
            return;
        }
        var outcome = _packets.ExecuteIoctl(command, packetSize, ioctl.InSize, ioctl.OutSize, ioctl.Input.Span, implied, file, Caller(request, DoorOf(node)));
        ReplyIoctl(request, outcome, session);
    }

    /// <summary>
    /// An ioctl that may wait (DKIOCSTATE waits while the caller's state is the current one): the reply comes when the
    /// wait ends, or EINTR when the kernel interrupts the request (the caller got a signal). The session goes on serving.
    /// </summary>
    private ValueTask WaitingIoctl(FuseRequest request, NodeId node, IoctlRequest ioctl, uint command, int packetSize)
    {
        if (!TryIoctlTarget(request, node, ioctl, out var implied, out var file, out var session))
        {
            return default;
        }
        var pending = _packets.ExecuteIoctlAsync(command, packetSize, ioctl.InSize, ioctl.OutSize, ioctl.Input.ToArray(), implied, file,
            Caller(request, DoorOf(node)), request.Interrupted);
        if (pending.IsCompletedSuccessfully)
        {
            ReplyIoctl(request, pending.Result, session);
            return default;
        }
        return AwaitIoctl(request, pending, session);
    }

    private static async ValueTask AwaitIoctl(FuseRequest request, ValueTask<PacketOutcome> pending, ControlFileSession? session) =>
        ReplyIoctl(request, await pending.ConfigureAwait(false), session);

    /// <summary>The instance an ioctl on <paramref name="node"/> implies (none on a control file) and the file as messages name it; false after replying an error.</summary>
    private bool TryIoctlTarget(FuseRequest request, NodeId node, IoctlRequest ioctl, out DiskInstance? implied, out string file, out ControlFileSession? session)
    {
        implied = null;
        session = null;
        file = node == NodeIds.Diagnostic ? _controlFiles.Diagnostic : _controlFiles.Request;
        if (NodeIds.IsControlFile(node))
        {
            _controlSessions.TryGetValue(ioctl.Fh.Value, out session);
            return true;
        }
        implied = InstanceOf(node, out var view);
        if (implied is null)
        {
            request.ReplyError(TryFixedAttr(node, out _) ? Errno.ENOTTY : GoneErrno(node));
            return false;
        }
        file = $"{DirName(view)}/{implied.Name}";
        return true;
    }

    private static void ReplyIoctl(FuseRequest request, PacketOutcome outcome, ControlFileSession? session)
    {
        if (outcome.Errno == 0)
        {
            request.ReplyIoctl(0, outcome.Reply);
            return;
        }
        session?.Append(TextCodec.FormatError(Errno.Name(outcome.Errno), outcome.Message));
        request.ReplyError(outcome.Errno);
    }

    private static ControlCaller Caller(FuseRequest request, ControlDoor door) => new(request.Uid, request.Gid, request.Pid) { Door = door };

    private static ControlDoor DoorOf(NodeId node) => node == NodeIds.Diagnostic ? ControlDoor.Diagnostic : ControlDoor.Request;

    // ---- extended attributes -------------------------------------------------------------

    /// <inheritdoc/>
    public ValueTask GetXattr(FuseRequest request, NodeId node, string name, int size)
    {
        var instance = InstanceOf(node, out _);
        var value = instance is null ? null : XattrValue(instance, name);
        if (value is null)
        {
            request.ReplyError(Errno.ENODATA);
            return default;
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        if (size == 0)
        {
            request.ReplyXattrSize((uint)bytes.Length);
        }
        else if (size < bytes.Length)
        {
            request.ReplyError(Errno.ERANGE);
        }
        else
        {
            request.ReplyData(bytes);
        }
        return default;
    }

    /// <inheritdoc/>
    public ValueTask ListXattr(FuseRequest request, NodeId node, int size)
    {
        var instance = InstanceOf(node, out _);
        var list = new StringBuilder();
        if (instance is not null)
        {
            foreach (var name in XattrNames)
            {
                if (XattrValue(instance, name) is not null)
                {
                    list.Append(name).Append('\0');
                }
            }
        }
        var bytes = Encoding.UTF8.GetBytes(list.ToString());
        if (size == 0)
        {
            request.ReplyXattrSize((uint)bytes.Length);
        }
        else if (size < bytes.Length)
        {
            request.ReplyError(Errno.ERANGE);
        }
        else
        {
            request.ReplyData(bytes);
        }
        return default;
    }

    /// <summary>The value of extended attribute <paramref name="name"/> on <paramref name="instance"/>'s files, or null when it has none.</summary>
    internal static string? XattrValue(DiskInstance instance, string name) => name switch
    {
        "user.vdm.subdriver" => instance.Subdriver,
        "user.vdm.device-number" => instance.DeviceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "user.vdm.size" => instance.Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "user.vdm.state" => instance.State,
        "user.vdm.children" => string.Join(",", instance.Children.Select(c => c.Name)),
        "user.vdm.parents" => string.Join(",", instance.Parents.Select(c => c.Name)),
        "user.vdm.path" => instance is PhysicalDisk p ? p.Path : null,
        "user.vdm.remapped-blocks" => instance.RemappedBlocks > 0 || instance is PartitionDisk { Remap: not null }
            ? instance.RemappedBlocks.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : null,
        "user.vdm.remap-table" => instance is PartitionDisk { Remap: { } remap } ? RemapTableText(remap) : null,
        _ => null,
    };

    /// <summary>The entries of <paramref name="remap"/>'s bad-block table, one "BAD_BLOCK REMAP_INDEX STATUS" line each (status as its keyword).</summary>
    private static string RemapTableText(RemapDisk remap)
    {
        var text = new StringBuilder();
        foreach (var entry in remap.Entries)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{entry.BadBlock} {entry.RemapIndex} {entry.State.Keyword()}\n");
        }
        return text.ToString();
    }

    // ---- helpers ------------------------------------------------------------------------

    private static bool TryViewOfDirectory(NodeId node, out DiskView view)
    {
        if (node == NodeIds.DskDir)
        {
            view = DiskView.Buffered;
            return true;
        }
        if (node == NodeIds.RdskDir)
        {
            view = DiskView.Raw;
            return true;
        }
        if (node == NodeIds.PlexDir)
        {
            view = DiskView.Plex;
            return true;
        }
        view = default;
        return false;
    }

    private static string DirName(DiskView view) => view switch
    {
        DiskView.Buffered => "dsk",
        DiskView.Raw => "rdsk",
        _ => "plex",
    };

    /// <summary>dsk/ and rdsk/ show exported instances; plex/ shows every present image of every mirror.</summary>
    private static bool IsVisible(DiskInstance instance, DiskView view) =>
        view == DiskView.Plex ? MirrorsOf(instance).Any() : instance.Exported;

    /// <summary>The mirrors <paramref name="image"/> is a present image of (looked up live: link and unlink raise no registry event).</summary>
    private static IEnumerable<MirrorDisk> MirrorsOf(DiskInstance image) =>
        image.Parents.OfType<MirrorDisk>().Where(m => m.Images.Any(i => i.Instance == image));

    /// <summary>plex/'s entries: MIRROR.IMAGE for every present image of every mirror, in device-number order.</summary>
    private IEnumerable<(string Name, DiskInstance Image)> PlexEntries()
    {
        foreach (var mirror in _registry.All.OfType<MirrorDisk>())
        {
            foreach (var image in mirror.Images)
            {
                if (image.Instance is { } instance)
                {
                    yield return ($"{mirror.Name}.{image.Name}", instance);
                }
            }
        }
    }

    /// <summary>The image plex/<paramref name="name"/> (MIRROR.IMAGE) names, or null; names may hold dots, so every mirror is tried.</summary>
    private DiskInstance? FindPlexImage(string name) =>
        PlexEntries().FirstOrDefault(e => e.Name == name).Image;

    /// <summary>The instance an open file of <paramref name="node"/> counted an open on (visible or not any more: a plex image unlinked since).</summary>
    private DiskInstance? OpenedInstanceOf(NodeId node)
    {
        if (NodeIds.TryDecode(node, out var deviceNumber, out var view) && view == DiskView.Plex)
        {
            return _registry.TryGet(deviceNumber, out var image) ? image : null;
        }
        return InstanceOf(node, out _);
    }

    private DiskInstance? FindExported(string name, DiskView view) =>
        _registry.TryGet(name, out var instance) && instance.Name == name && IsVisible(instance, view) ? instance : null;

    private DiskInstance? InstanceOf(NodeId node, out DiskView view)
    {
        if (!NodeIds.TryDecode(node, out var deviceNumber, out view))
        {
            return null;
        }
        return _registry.TryGet(deviceNumber, out var instance) && IsVisible(instance, view) ? instance : null;
    }

    private static TimeSpan AttrTimeout(DiskView view) =>
        // dsk/ revalidates on every read so that a write through another path (a changed mtime)
        // invalidates its page cache (FUSE_AUTO_INVAL_DATA).
        view == DiskView.Buffered ? TimeSpan.Zero : TimeSpan.FromSeconds(1);

    private static FuseEntry Entry(NodeId node, FuseAttr attr) => new()
    {
        Node = node,
        Generation = 1,
        // Instances come and go through the control file: do not cache their names.
        EntryTimeout = node.Value >= 0x1000 ? TimeSpan.Zero : DirTimeout,
        AttrTimeout = node.Value >= 0x1000 && NodeIds.TryDecode(node, out _, out var view) ? AttrTimeout(view) : DirTimeout,
        Attr = attr,
    };

    private bool TryFixedAttr(NodeId node, out FuseAttr attr)
    {
        if (node == NodeIds.Root || NodeIds.IsControlFile(node) || TryViewOfDirectory(node, out _))
        {
            attr = FixedAttr(node);
            return true;
        }
        attr = default;
        return false;
    }

    private FuseAttr FixedAttr(NodeId node)
    {
        var seconds = (ulong)_startTime.ToUnixTimeSeconds();
        var attr = new FuseAttr
        {
            Ino = node.Value,
            Atime = seconds,
            Mtime = seconds,
            Ctime = seconds,
            BlkSize = 4096,
        };
        if (node == NodeIds.Control)
        {
            attr.Mode = S_IFREG | 0x1B6; // 0666: anyone may ask; privileged commands check the caller's uid
            attr.Nlink = 1;
        }
        else if (node == NodeIds.Diagnostic)
        {
            attr.Mode = S_IFREG | 0x180; // 0600: the administrator's door, owned by the daemon's user
            attr.Uid = _diskUid;
            attr.Nlink = 1;
        }
        else
        {
            attr.Mode = S_IFDIR | 0x1ED; // 0755
            attr.Nlink = node == NodeIds.Root ? 5u : 2u;
        }
        return attr;
    }

    private FuseAttr InstanceAttr(DiskInstance instance, NodeId node)
    {
        // mtime = start time + write stamp (in nanoseconds): it changes with every write that reaches
        // the instance's disks by any path, which is what invalidates dsk/'s page cache.
        var stamp = (ulong)instance.WriteStamp;
        var start = (ulong)_startTime.ToUnixTimeSeconds();
        var mtime = start + stamp / 1_000_000_000UL;
        var size = (ulong)instance.Size;
        return new FuseAttr
        {
            Ino = node.Value,
            Size = size,
            Blocks = size / 512,
            Atime = start,
            Mtime = mtime,
            MtimeNsec = (uint)(stamp % 1_000_000_000UL),
            Ctime = start,
            // 0660 root:disk, as a block device; plex/ images 0440: read-only.
            Mode = S_IFREG | (NodeIds.TryDecode(node, out _, out var view) && view == DiskView.Plex ? 0x120u : 0x1B0u),
            Nlink = 1,
            Uid = _diskUid,
            Gid = _diskGid,
            BlkSize = 4096,
        };
    }
}
