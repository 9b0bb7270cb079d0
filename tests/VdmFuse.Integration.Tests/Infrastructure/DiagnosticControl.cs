using System.Text;
using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// Sends text commands to a control file under the mount (MNT/vdm, or the diagnostic file MNT/vdmdiag) and parses
/// the reply with the control plane's own codec, which understands quoted values such as <c>reason="..."</c>.
/// </summary>
public static class DiagnosticControl
{
    /// <summary>The default name of the diagnostic control file.</summary>
    public const string DiagnosticFile = "vdmdiag";

    /// <summary>The outcome of one exchange: the errno of write(2) and the parsed reply (null when nothing came back).</summary>
    public sealed record Exchange(string Command, int WriteErrno, string Text, VdmFuse.Control.ControlReply? Reply)
    {
        /// <summary>True when write(2) succeeded and the reply is <c>ok</c>.</summary>
        public bool IsOk => WriteErrno == 0 && Reply is { IsOk: true };

        /// <summary>The value of an <c>ok</c> line's field, or null.</summary>
        public string? Field(string key) => Reply?.Find(key);

        /// <summary>The records of one kind ("copy").</summary>
        public IReadOnlyList<VdmFuse.Control.ControlRecord> RecordsOf(string tag) =>
            Reply?.Records.Where(r => r.Tag == tag).ToList() ?? [];

        /// <inheritdoc/>
        public override string ToString() => $"command `{Command}`: write errno {WriteErrno}, reply:\n{Text}";
    }

    /// <summary>Sends <paramref name="command"/> to MNT/<paramref name="file"/>.</summary>
    public static Exchange Send(string mountpoint, string command, string file = "vdm")
    {
        using var control = PosixFile.Open(Path.Combine(mountpoint, file), Libc.O_RDWR);
        byte[] line = Encoding.UTF8.GetBytes(command + "\n");
        int writeErrno = control.TryWrite(line, out _);
        var text = new MemoryStream();
        var buffer = new byte[65536];
        for (int reads = 0; reads < 256; reads++)
        {
            if (control.TryRead(buffer, out int n) != 0 || n == 0)
            {
                break;
            }
            text.Write(buffer, 0, n);
        }
        string reply = Encoding.UTF8.GetString(text.ToArray());
        VdmFuse.Control.ControlReply? parsed = null;
        if (reply.Length > 0)
        {
            try
            {
                parsed = TextCodec.ParseReply(reply);
            }
            catch (ControlException)
            {
                parsed = null;
            }
        }
        return new Exchange(command, writeErrno, reply, parsed);
    }

    /// <summary>Sends <paramref name="command"/> and asserts it succeeded.</summary>
    public static Exchange SendOk(string mountpoint, string command, string file = "vdm")
    {
        var exchange = Send(mountpoint, command, file);
        Assert.True(exchange.IsOk, exchange.ToString());
        return exchange;
    }

    /// <summary>Sends <paramref name="command"/> and asserts it failed with <paramref name="errnoName"/> and a message.</summary>
    public static Exchange SendExpectingError(string mountpoint, string command, string errnoName, string file = "vdm")
    {
        var exchange = Send(mountpoint, command, file);
        Assert.True(exchange.WriteErrno != 0, $"expected write(2) to fail with {errnoName}; {exchange}");
        Assert.True(exchange.Reply is { IsOk: false } reply && reply.ErrnoName == errnoName, $"expected `error {errnoName} ...`; {exchange}");
        Assert.False(string.IsNullOrWhiteSpace(exchange.Reply!.Message), $"the error carries no message; {exchange}");
        return exchange;
    }

    /// <summary><c>get-mode</c>: the mode word, the reason, the number of copies and of good copies.</summary>
    public static (string Mode, string Reason, int Copies, int Good) GetMode(string mountpoint, string file = "vdm")
    {
        var reply = SendOk(mountpoint, "get-mode", file);
        string mode = reply.Field("mode") ?? throw new InvalidOperationException($"no mode= in {reply}");
        return (mode, reply.Field("reason") ?? "", int.Parse(reply.Field("copies") ?? "-1"), int.Parse(reply.Field("good") ?? "-1"));
    }

    /// <summary><c>db-list</c>: one record per copy, keyed by path.</summary>
    public static IReadOnlyList<VdmFuse.Control.ControlRecord> ListCopies(string mountpoint, string file = "vdm") =>
        SendOk(mountpoint, "db-list", file).RecordsOf("copy");

    /// <summary>A record's field, or a failure naming the record.</summary>
    public static string Get(VdmFuse.Control.ControlRecord record, string key) =>
        record.Find(key) ?? throw new KeyNotFoundException(
            $"record `{record.Tag}` has no field `{key}`: {string.Join(' ', record.Fields.Select(f => f.Key + "=" + f.Value))}");
}
