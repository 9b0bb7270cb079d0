using System.Text;
using Xunit;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>Sends one command to MNT/vdm the way a client does: open read-write, write the line, read the reply on the same file.</summary>
public static class ControlFile
{
    /// <summary>Sends <paramref name="command"/> and returns the errno of write(2) and the reply text.</summary>
    public static ControlReply Send(string mountpoint, string command)
    {
        using var file = PosixFile.Open(Path.Combine(mountpoint, "vdm"), Libc.O_RDWR);
        byte[] line = Encoding.UTF8.GetBytes(command + "\n");
        int writeErrno = file.TryWrite(line, out int written);
        if (writeErrno == 0 && written != line.Length)
        {
            throw new IOException($"short write of {written}/{line.Length} bytes to the control file for `{command}`");
        }
        var reply = new MemoryStream();
        var buffer = new byte[65536];
        int readErrno = 0;
        // Read until end of file, as cat would; bounded so a server that never reports EOF cannot loop forever.
        for (int reads = 0; reads < 256; reads++)
        {
            readErrno = file.TryRead(buffer, out int n);
            if (readErrno != 0 || n == 0)
            {
                break;
            }
            reply.Write(buffer, 0, n);
        }
        return new ControlReply(command, writeErrno, readErrno, Encoding.UTF8.GetString(reply.ToArray()));
    }

    /// <summary>Sends <paramref name="command"/> and asserts it succeeded.</summary>
    public static ControlReply SendOk(string mountpoint, string command)
    {
        var reply = Send(mountpoint, command);
        Assert.True(reply.IsOk, reply.ToString());
        return reply;
    }

    /// <summary>
    /// Sends <paramref name="command"/> and asserts it failed: write(2) with <paramref name="errno"/>, and the reply read
    /// back says <c>error ERRNAME message</c>.
    /// </summary>
    public static ControlReply SendExpectingError(string mountpoint, string command, int errno, string errnoName)
    {
        var reply = Send(mountpoint, command);
        Assert.True(reply.WriteErrno == errno, $"expected write(2) to fail with {errnoName} ({errno}); {reply}");
        Assert.True(reply.Status == "error" && reply.ErrorName == errnoName, $"expected the reply `error {errnoName} ...`; {reply}");
        Assert.False(string.IsNullOrWhiteSpace(reply.ErrorMessage), $"the error reply carries no message; {reply}");
        return reply;
    }

    /// <summary>The instance records of <c>get-instances</c>, keyed by name.</summary>
    public static IReadOnlyDictionary<string, ControlRecord> GetInstances(string mountpoint)
    {
        var reply = SendOk(mountpoint, "get-instances");
        Assert.True(reply.Fields.TryGetValue("count", out var count), $"no count= in the reply; {reply}");
        var instances = reply.Records.Where(r => r.Kind == "instance").ToList();
        Assert.True(int.Parse(count) == instances.Count, $"count={count} but {instances.Count} instance lines; {reply}");
        return instances.ToDictionary(r => r["name"]);
    }
}
