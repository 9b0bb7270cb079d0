using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using VdmFuse.Fuse.Abi;
using VdmFuse.Fuse.Api;

namespace VdmFuse.Fuse.Protocol;

/// <summary>
/// Turns the bytes of one request read from /dev/fuse into its header and a typed operation, checking
/// every length: the header's len against the bytes read, the body against the opcode's struct, names
/// for their terminating NUL and variable parts against what is left.
/// </summary>
internal static class FuseRequestParser
{
    /// <summary>Size of struct fuse_in_header.</summary>
    public static readonly int HeaderSize = Unsafe.SizeOf<fuse_in_header>();

    /// <summary>Offset of a WRITE payload from the start of the request.</summary>
    public static readonly int WriteDataOffset = HeaderSize + Unsafe.SizeOf<fuse_write_in>();

    /// <summary>Parses one request; <paramref name="request"/> holds exactly the bytes that read(2) returned.</summary>
    public static ParsedRequest Parse(ReadOnlySpan<byte> request)
    {
        if (request.Length < HeaderSize)
        {
            return new(ParseStatus.Dropped, default, null, $"request of {request.Length} bytes is shorter than the {HeaderSize}-byte header");
        }
        var header = MemoryMarshal.Read<fuse_in_header>(request);
        if (header.len != (uint)request.Length)
        {
            return Invalid(header, $"header says {header.len} bytes but {request.Length} were read");
        }
        int extensions = header.total_extlen * 8;
        int bodyLength = request.Length - HeaderSize - extensions;
        if (bodyLength < 0)
        {
            return Invalid(header, $"extensions of {extensions} bytes do not fit in {request.Length - HeaderSize} bytes after the header");
        }
        var body = request.Slice(HeaderSize, bodyLength);
        try
        {
            var operation = ParseBody((fuse_opcode)header.opcode, body);
            return new(ParseStatus.Ok, header, operation, null);
        }
        catch (MalformedRequestException e)
        {
            return Invalid(header, e.Message);
        }
    }

    private static ParsedRequest Invalid(in fuse_in_header header, string problem) =>
        new(ParseStatus.Invalid, header, null, problem);

    private static FuseOperation ParseBody(fuse_opcode opcode, ReadOnlySpan<byte> body)
    {
        switch (opcode)
        {
            case fuse_opcode.FUSE_LOOKUP:
                return new LookupOperation(ReadName(body, opcode));
            case fuse_opcode.FUSE_FORGET:
                return new ForgetOperation(Read<fuse_forget_in>(body, opcode).nlookup);
            case fuse_opcode.FUSE_BATCH_FORGET:
                return ParseBatchForget(body);
            case fuse_opcode.FUSE_GETATTR:
                return ParseGetAttr(body);
            case fuse_opcode.FUSE_SETATTR:
                return ParseSetAttr(Read<fuse_setattr_in>(body, opcode));
            case fuse_opcode.FUSE_OPEN:
            case fuse_opcode.FUSE_OPENDIR:
                return new OpenOperation((int)Read<fuse_open_in>(body, opcode).flags);
            case fuse_opcode.FUSE_READ:
            case fuse_opcode.FUSE_READDIR:
            case fuse_opcode.FUSE_READDIRPLUS:
            {
                var read = Read<fuse_read_in>(body, opcode);
                return new ReadOperation(new FileHandle(read.fh), (long)read.offset, CheckedSize(read.size, opcode), (int)read.flags);
            }
            case fuse_opcode.FUSE_WRITE:
                return ParseWrite(body);
            case fuse_opcode.FUSE_RELEASE:
            case fuse_opcode.FUSE_RELEASEDIR:
            {
                var release = Read<fuse_release_in>(body, opcode);
                return new ReleaseOperation(new FileHandle(release.fh), (int)release.flags, release.release_flags);
            }
            case fuse_opcode.FUSE_FLUSH:
                return new FlushOperation(new FileHandle(Read<fuse_flush_in>(body, opcode).fh));
            case fuse_opcode.FUSE_FSYNC:
            {
                var fsync = Read<fuse_fsync_in>(body, opcode);
                return new FsyncOperation(new FileHandle(fsync.fh), (fsync.fsync_flags & FuseAbi.FUSE_FSYNC_FDATASYNC) != 0);
            }
            case fuse_opcode.FUSE_STATFS:
                return StatFsOperation.Instance;
            case fuse_opcode.FUSE_ACCESS:
                return new AccessOperation((int)Read<fuse_access_in>(body, opcode).mask);
            case fuse_opcode.FUSE_GETXATTR:
            {
                var getxattr = Read<fuse_getxattr_in>(body, opcode);
                string name = ReadName(body[Unsafe.SizeOf<fuse_getxattr_in>()..], opcode);
                return new GetXattrOperation(name, CheckedSize(getxattr.size, opcode));
            }
            case fuse_opcode.FUSE_LISTXATTR:
                return new ListXattrOperation(CheckedSize(Read<fuse_getxattr_in>(body, opcode).size, opcode));
            case fuse_opcode.FUSE_IOCTL:
                return ParseIoctl(body);
            case fuse_opcode.FUSE_LSEEK:
            {
                var lseek = Read<fuse_lseek_in>(body, opcode);
                return new LseekOperation(new FileHandle(lseek.fh), (long)lseek.offset, (int)lseek.whence);
            }
            case fuse_opcode.FUSE_INIT:
                return ParseInit(body);
            case fuse_opcode.FUSE_INTERRUPT:
                return new InterruptOperation(Read<fuse_interrupt_in>(body, opcode).unique);
            case fuse_opcode.FUSE_DESTROY:
                return DestroyOperation.Instance;
            default:
                return UnsupportedOperation.Instance;
        }
    }

    private static BatchForgetOperation ParseBatchForget(ReadOnlySpan<byte> body)
    {
        var head = Read<fuse_batch_forget_in>(body, fuse_opcode.FUSE_BATCH_FORGET);
        var items = body[Unsafe.SizeOf<fuse_batch_forget_in>()..];
        int itemSize = Unsafe.SizeOf<fuse_forget_one>();
        if ((ulong)head.count * (ulong)itemSize > (ulong)items.Length)
        {
            throw new MalformedRequestException($"FUSE_BATCH_FORGET announces {head.count} items but carries {items.Length / itemSize}");
        }
        var result = new ForgetItem[head.count];
        for (int i = 0; i < result.Length; i++)
        {
            var one = MemoryMarshal.Read<fuse_forget_one>(items[(i * itemSize)..]);
            result[i] = new ForgetItem(new NodeId(one.nodeid), one.nlookup);
        }
        return new BatchForgetOperation(result);
    }

    private static GetAttrOperation ParseGetAttr(ReadOnlySpan<byte> body)
    {
        // Kernels before 7.9 send no body.
        if (body.Length == 0)
        {
            return new GetAttrOperation(null);
        }
        var getattr = Read<fuse_getattr_in>(body, fuse_opcode.FUSE_GETATTR);
        return new GetAttrOperation((getattr.getattr_flags & FuseAbi.FUSE_GETATTR_FH) != 0 ? new FileHandle(getattr.fh) : null);
    }

    private static SetAttrOperation ParseSetAttr(in fuse_setattr_in s) =>
        new(new SetAttrRequest((SetAttrValid)s.valid, new FileHandle(s.fh), s.size, s.mode, s.uid, s.gid,
            s.atime, s.atimensec, s.mtime, s.mtimensec));

    private static WriteOperation ParseWrite(ReadOnlySpan<byte> body)
    {
        var write = Read<fuse_write_in>(body, fuse_opcode.FUSE_WRITE);
        int available = body.Length - Unsafe.SizeOf<fuse_write_in>();
        if (write.size > (uint)available)
        {
            throw new MalformedRequestException($"FUSE_WRITE of {write.size} bytes carries only {available}");
        }
        return new WriteOperation(new FileHandle(write.fh), (long)write.offset, (int)write.size, write.write_flags,
            (int)write.flags, WriteDataOffset);
    }

    private static IoctlOperation ParseIoctl(ReadOnlySpan<byte> body)
    {
        var ioctl = Read<fuse_ioctl_in>(body, fuse_opcode.FUSE_IOCTL);
        int available = body.Length - Unsafe.SizeOf<fuse_ioctl_in>();
        if (ioctl.in_size > (uint)available)
        {
            throw new MalformedRequestException($"FUSE_IOCTL announces {ioctl.in_size} input bytes but carries {available}");
        }
        return new IoctlOperation(new FileHandle(ioctl.fh), ioctl.flags, ioctl.cmd, ioctl.arg, ioctl.in_size, ioctl.out_size,
            HeaderSize + Unsafe.SizeOf<fuse_ioctl_in>());
    }

    private static InitOperation ParseInit(ReadOnlySpan<byte> body)
    {
        if (body.Length < fuse_init_in.CompatSize)
        {
            throw new MalformedRequestException($"FUSE_INIT body of {body.Length} bytes is shorter than {fuse_init_in.CompatSize}");
        }
        uint major = MemoryMarshal.Read<uint>(body);
        uint minor = MemoryMarshal.Read<uint>(body[4..]);
        uint maxReadahead = MemoryMarshal.Read<uint>(body[8..]);
        ulong flags = MemoryMarshal.Read<uint>(body[12..]);
        if ((flags & FuseAbi.FUSE_INIT_EXT) != 0 && body.Length >= 20)
        {
            flags |= (ulong)MemoryMarshal.Read<uint>(body[16..]) << 32;
        }
        return new InitOperation(major, minor, maxReadahead, flags);
    }

    private static T Read<T>(ReadOnlySpan<byte> body, fuse_opcode opcode) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        if (body.Length < size)
        {
            throw new MalformedRequestException($"{opcode} body of {body.Length} bytes is shorter than the {size}-byte {typeof(T).Name}");
        }
        return MemoryMarshal.Read<T>(body);
    }

    private static string ReadName(ReadOnlySpan<byte> bytes, fuse_opcode opcode)
    {
        int end = bytes.IndexOf((byte)0);
        if (end < 0)
        {
            throw new MalformedRequestException($"{opcode} name of {bytes.Length} bytes is not NUL-terminated");
        }
        return Encoding.UTF8.GetString(bytes[..end]);
    }

    private static int CheckedSize(uint size, fuse_opcode opcode)
    {
        if (size > int.MaxValue)
        {
            throw new MalformedRequestException($"{opcode} size {size} is out of range");
        }
        return (int)size;
    }

    private sealed class MalformedRequestException(string message) : Exception(message);
}
