using System.Runtime.InteropServices;

namespace VdmFuse.Native;

/// <summary>struct iocb of linux/aio_abi.h (64 bytes, little-endian layout).</summary>
[StructLayout(LayoutKind.Sequential, Size = 64)]
internal struct Iocb
{
    public ulong Data;
    public uint Key;
    public int RwFlags;
    public ushort LioOpcode;
    public short ReqPrio;
    public uint Fildes;
    public ulong Buf;
    public ulong NBytes;
    public long Offset;
    public ulong Reserved2;
    public uint Flags;
    public uint ResFd;
}

/// <summary>struct io_event of linux/aio_abi.h (32 bytes).</summary>
[StructLayout(LayoutKind.Sequential, Size = 32)]
internal struct IoEvent
{
    public ulong Data;
    public ulong Obj;
    public long Res;
    public long Res2;
}

/// <summary>The iocb opcodes used here (IOCB_CMD_*).</summary>
internal enum IocbCommand : ushort
{
    PRead = 0,
    PWrite = 1,
    FSync = 2,
    FDSync = 3,
}
