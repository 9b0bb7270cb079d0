namespace VdmFuse.Control;

/// <summary>The C type of a packet field, as <c>vdm.h</c> declares it; all little-endian.</summary>
public enum PacketFieldType
{
    /// <summary><c>uint16_t</c>.</summary>
    U16,

    /// <summary><c>uint32_t</c>.</summary>
    U32,

    /// <summary><c>uint64_t</c>.</summary>
    U64,

    /// <summary><c>int32_t</c>.</summary>
    I32,

    /// <summary><c>int64_t</c>.</summary>
    I64,

    /// <summary><c>char name[VDM_NAME_SIZE]</c>: a NUL-terminated instance name without '/'.</summary>
    Name,

    /// <summary><c>char path[N]</c>: a NUL-terminated path.</summary>
    Path,

    /// <summary>
    /// <c>char x[N]</c> of a fixed-width text such as a VTOC's volume name: NUL-padded, and the text may fill the whole
    /// field without a NUL.
    /// </summary>
    Chars,

    /// <summary>Raw bytes: a union or array the codec reads through other rows, or reserved space.</summary>
    Bytes,
}
