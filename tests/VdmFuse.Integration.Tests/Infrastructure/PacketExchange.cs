namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// The binary front door at the byte level: one write(2) of a request to the control file and the reply read back on
/// the same open file, each with its exact errno.
/// </summary>
public static class PacketExchange
{
    /// <summary>Opens <paramref name="controlPath"/>, writes <paramref name="request"/>, reads the reply to end of file.</summary>
    public static (int WriteErrno, byte[] Reply) Send(string controlPath, ReadOnlySpan<byte> request)
    {
        using var file = PosixFile.Open(controlPath, Libc.O_RDWR);
        return Send(file, request);
    }

    /// <summary>Writes <paramref name="request"/> on an open control file and reads the whole reply back.</summary>
    public static (int WriteErrno, byte[] Reply) Send(PosixFile file, ReadOnlySpan<byte> request)
    {
        int writeErrno = file.TryWrite(request, out int written);
        if (writeErrno == 0 && written != request.Length)
        {
            throw new IOException($"short write of {written}/{request.Length} bytes to the control file");
        }
        var reply = new MemoryStream();
        var buffer = new byte[65536];
        for (int reads = 0; reads < 256; reads++)
        {
            int readErrno = file.TryRead(buffer, out int n);
            if (readErrno != 0)
            {
                throw new IOException($"reading the reply failed with errno {readErrno}");
            }
            if (n == 0)
            {
                break;
            }
            reply.Write(buffer, 0, n);
        }
        return (writeErrno, reply.ToArray());
    }
}
