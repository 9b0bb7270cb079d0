using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using VdmFuse.Fuse.Abi;
using VdmFuse.Fuse.Api;

namespace VdmFuse.Fuse.Protocol;

/// <summary>
/// Packs directory entries for READDIR (struct fuse_dirent + name) and READDIRPLUS (struct fuse_direntplus
/// + name). Each name is padded with zeros to a multiple of 8 bytes; each entry's <c>off</c> is the index
/// of the entry after it, which the kernel passes back as the offset of the next READDIR.
/// </summary>
internal static class DirectoryEncoder
{
    private static readonly int DirentSize = Unsafe.SizeOf<fuse_dirent>();
    private static readonly int DirentPlusSize = Unsafe.SizeOf<fuse_direntplus>();

    /// <summary>
    /// Writes entries from index <paramref name="offset"/> on into <paramref name="destination"/> and stops
    /// before the first entry that does not fit. Returns the number of bytes written.
    /// </summary>
    public static int Encode(Span<byte> destination, IReadOnlyList<DirEntry> entries, long offset, bool plus)
    {
        int written = 0;
        for (long index = Math.Max(offset, 0); index < entries.Count; index++)
        {
            var entry = entries[(int)index];
            int nameLength = Encoding.UTF8.GetByteCount(entry.Name);
            int fixedSize = plus ? DirentPlusSize : DirentSize;
            int recordSize = Align8(fixedSize + nameLength);
            if (recordSize > destination.Length - written)
            {
                break;
            }
            var record = destination.Slice(written, recordSize);
            var dirent = new fuse_dirent
            {
                ino = entry.Entry.Attr.Ino != 0 ? entry.Entry.Attr.Ino : entry.Entry.Node.Value,
                off = (ulong)(index + 1),
                namelen = (uint)nameLength,
                type = (entry.Entry.Attr.Mode >> 12) & 0xF,
            };
            if (plus)
            {
                var direntPlus = new fuse_direntplus { entry_out = FuseReplyEncoder.Entry(entry.Entry), dirent = dirent };
                MemoryMarshal.Write(record, in direntPlus);
            }
            else
            {
                MemoryMarshal.Write(record, in dirent);
            }
            int nameBytes = Encoding.UTF8.GetBytes(entry.Name, record[fixedSize..]);
            record[(fixedSize + nameBytes)..].Clear();
            written += recordSize;
        }
        return written;
    }

    private static int Align8(int size) => (size + 7) & ~7;
}
