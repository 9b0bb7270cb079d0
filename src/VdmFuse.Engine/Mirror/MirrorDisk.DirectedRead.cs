using VdmFuse.Engine.Dkio;
using VdmFuse.Native;

namespace VdmFuse.Engine.Mirror;

// DKIODMR (dkio(7)): round-robin reads of each usable image on its own, for applications that compare the sides.
public sealed partial class MirrorDisk
{
    /// <summary>
    /// One step of a directed read (DKIODMR): reads <paramref name="buffer"/> at <paramref name="offset"/> straight
    /// from one image, not through the mirror's read path (no failover, no correction). With
    /// <paramref name="side"/> = <see cref="DkDirectedRead.SideInit"/> the first usable image is read; with the side
    /// a previous step returned, the next usable image after it. Usable images are those present, in state usable
    /// (not corrupt, fractured or a sync destination), in the order of <see cref="Images"/>. Synchronous: it runs on
    /// the caller's thread (<see cref="SynchronousIo"/>). Offset and length need no alignment.
    /// </summary>
    /// <param name="flags">The caller's flags (DKV_DMR_NEXT_SIDE); not interpreted.</param>
    /// <param name="side">DKV_SIDE_INIT (-1) to start, else the side the previous step returned.</param>
    /// <param name="offset">The byte offset in the mirror.</param>
    /// <param name="buffer">Where the data goes: 1 to <see cref="DkDirectedRead.MaxData"/> bytes.</param>
    /// <returns>
    /// Success with the side read (its index and name) and the bytes read; Short when the read would pass the end of
    /// the mirror (the bytes that exist are read); Error with side INIT when no image is usable at the start; Done with
    /// the side unchanged when no usable image is left after it.
    /// </returns>
    /// <exception cref="ErrnoException">
    /// EINVAL: directed reads are not enabled, the buffer is empty or over <see cref="DkDirectedRead.MaxData"/> bytes,
    /// the offset is outside the mirror, or the side is below DKV_SIDE_INIT; EIO: the read of the image failed.
    /// </exception>
    public DkDirectedRead DirectedRead(int flags, int side, long offset, Memory<byte> buffer)
    {
        CheckDirectedRead(side, offset, buffer.Length);
        MirrorImage? image = null;
        var index = -1;
        lock (_stateLock)
        {
            for (var i = Math.Max(0, side + 1); i < _images.Count; i++)
            {
                if (IsDirectedReadable(_images[i]))
                {
                    image = _images[i];
                    index = i;
                    break;
                }
            }
        }
        if (image?.Instance is not { } instance)
        {
            Log.Debug("mirror '{0}': directed read after side {1} (flags 0x{2:x}): no usable side left", Name, side, flags);
            return side == DkDirectedRead.SideInit
                ? new DkDirectedRead(DkDirectedRead.Error, DkDirectedRead.SideInit, "", 0)
                : new DkDirectedRead(DkDirectedRead.Done, side, "", 0);
        }
        var length = (int)Math.Min(buffer.Length, Size - offset);
        ReadImage(image, instance, offset, buffer[..length]);
        Log.Debug("mirror '{0}': directed read of {1} bytes at offset {2} from side {3} ('{4}')", Name, length, offset, index, image.Name);
        return new DkDirectedRead(length < buffer.Length ? DkDirectedRead.Short : DkDirectedRead.Success, index, image.Name, length);
    }

    private static bool IsDirectedReadable(MirrorImage image) =>
        image.IsPresent && image.State == ImageState.Usable;

    private void CheckDirectedRead(int side, long offset, int length)
    {
        if (!DirectedReadsEnabled)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"directed reads are not enabled on mirror '{Name}' (set the directed-read capability, DKV_DMR_CAP, first)");
        }
        if (length == 0 || length > DkDirectedRead.MaxData)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"a directed read of mirror '{Name}' reads 1 to {DkDirectedRead.MaxData} bytes, not {length}");
        }
        if (offset < 0 || offset >= Size)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"offset {offset} is outside mirror '{Name}' ({Size} bytes); a directed read must start inside it");
        }
        if (side < DkDirectedRead.SideInit)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"side {side} of a directed read of mirror '{Name}' is neither DKV_SIDE_INIT (-1) nor a side a previous read returned");
        }
    }

    /// <summary>Reads the sector-aligned range covering [offset, offset + data.Length) of the image and copies the asked part out.</summary>
    private void ReadImage(MirrorImage image, DiskInstance instance, long offset, Memory<byte> data)
    {
        var sector = Math.Max(BlockSize, instance.SectorSize);
        var start = offset / sector * sector;
        var end = Math.Min((offset + data.Length + sector - 1) / sector * sector, instance.Size);
        var length = (int)(end - start);
        var aligned = AlignedBufferPool.Shared.Rent(length);
        try
        {
            SynchronousIo.Read(instance, start, aligned.Memory[..length]);
            aligned.Memory.Slice((int)(offset - start), data.Length).CopyTo(data);
        }
        catch (Exception e) when (e is ErrnoException or ObjectDisposedException)
        {
            throw new ErrnoException(Errno.EIO,
                $"directed read of {data.Length} bytes at offset {offset} of mirror '{Name}' failed on image '{image.Name}': {e.Message}", e);
        }
        finally
        {
            AlignedBufferPool.Shared.Return(aligned);
        }
    }
}
