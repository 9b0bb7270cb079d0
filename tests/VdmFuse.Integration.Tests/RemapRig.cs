using System.Diagnostics;
using System.Globalization;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>One entry of a remap instance's bad-block table as list-remap-table gives it.</summary>
/// <param name="BadBlock">The 512-byte block of the disk.</param>
/// <param name="RemapIndex">The remap-area block, -1 when not mapped.</param>
/// <param name="Status">The state's keyword (mapped, unmapped, forced, pseudo, bad-remap).</param>
public readonly record struct RemapListing(long BadBlock, long RemapIndex, string Status)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{BadBlock} {RemapIndex} {Status}");
}

/// <summary>
/// The rig of the vdmremap(7) integration tests (a daemon of its own per test): an 8 MiB image file of random data
/// under physical instance <c>d</c>, the fault instance <c>f</c> over it, and on <c>f</c> the partitions <c>pt</c>
/// (primary table, blocks 2048-2055), <c>st</c> (secondary table, 2056-2063), <c>ra</c> (remap area from 2064) and
/// the data partition <c>p0</c> (4096-12287). Faults injected on <c>f</c> hit the disk's blocks, which are the image
/// file's blocks. A persistent rig leaves the fault instance out (it cannot be recorded): the partitions are on
/// <c>d</c> and everything is created with persistent=1. A second disk (<c>e.img</c>, physical <c>e</c>, partition
/// <c>q0</c> at 4096-12287) is there for the mirror.
/// </summary>
public sealed class RemapRig : IDisposable
{
    public const int Block = 512;
    public const long ImageBytes = 8L * MiB;
    public const long PrimaryStart = 2048;
    public const long SecondaryStart = 2056;
    public const long TableBlocks = 8;
    public const long AreaStart = 2064;
    public const long DataStart = 4096;
    public const long DataBlocks = 8192;
    public const string Remap = "R";

    private readonly DaemonWorkspace _workspace = new();
    private readonly bool _persistent;

    /// <summary>Creates the image files and starts a daemon; the instances are created by <see cref="CreateDisks"/>.</summary>
    /// <param name="persistent">Everything persistent=1, and no fault instance (the partitions are on <c>d</c>).</param>
    /// <param name="areaBlocks">The remap area's blocks.</param>
    /// <param name="secondDisk">Also the second disk e with partition q0.</param>
    /// <param name="crashPoint">VDMFUSE_CRASH_POINT for the first daemon, or null.</param>
    public RemapRig(bool persistent = false, long areaBlocks = 64, bool secondDisk = false, string? crashPoint = null)
    {
        _persistent = persistent;
        AreaBlocks = areaBlocks;
        try
        {
            _workspace.Configuration.LogLevel = "info";
            File.WriteAllBytes(Image, Random((int)ImageBytes));
            if (secondDisk)
            {
                File.WriteAllBytes(SecondImage, Random((int)ImageBytes));
            }
            StartDaemon(crashPoint);
            CreateDisks(secondDisk);
        }
        catch
        {
            _workspace.Dispose();
            throw;
        }
    }

    public DaemonWorkspace Workspace => _workspace;

    public string Mountpoint => _workspace.Mountpoint;

    /// <summary>The disk the partitions are on: the fault instance f, or d in a persistent rig.</summary>
    public string Disk => _persistent ? "d" : "f";

    public long AreaBlocks { get; }

    public string Image => _workspace.PathOf("d.img");

    public string SecondImage => _workspace.PathOf("e.img");

    public string DaemonLog => _workspace.Daemon?.Output ?? "";

    private string Persistence => _persistent ? " persistent=1" : "";

    /// <summary>
    /// Starts the daemon; with <paramref name="crashPoint"/> its environment has VDMFUSE_CRASH_POINT set to it. The
    /// tests of this assembly run one at a time, so setting the variable in this process around the start is safe.
    /// </summary>
    public void StartDaemon(string? crashPoint = null)
    {
        const string Variable = "VDMFUSE_CRASH_POINT";
        Environment.SetEnvironmentVariable(Variable, crashPoint);
        try
        {
            _workspace.StartDaemon();
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, null);
        }
    }

    /// <summary>Stops the daemon with SIGTERM and asserts it exits with 0.</summary>
    public void StopDaemon()
    {
        string log = DaemonLog;
        Assert.True(_workspace.StopDaemon() == 0, $"vdmfuse did not exit with 0\n{log}");
    }

    public ControlReply Send(string command) => ControlFile.SendOk(Mountpoint, command);

    public ControlReply SendExpectingError(string command, int errno, string errnoName, params string[] messageParts)
    {
        var reply = ControlFile.SendExpectingError(Mountpoint, command, errno, errnoName);
        foreach (var part in messageParts)
        {
            Assert.True(reply.ErrorMessage.Contains(part, StringComparison.Ordinal), $"the sentence does not contain '{part}'; {reply}");
        }
        return reply;
    }

    /// <summary>remap-format of pt, st and ra; returns the reply's fields.</summary>
    public IReadOnlyDictionary<string, string> Format() => Send("remap-format primary=pt secondary=st area=ra").Fields;

    /// <summary>Formats the tables, creates remap instance R over pt, st, ra and links it under p0.</summary>
    public void CreateRemap()
    {
        var format = Format();
        Assert.Equal(Invariant($"{RemapCapacity(TableBlocks)}"), format["table-capacity"]);
        Assert.Equal(Invariant($"{AreaBlocks}"), format["area-blocks"]);
        Send($"create-instance subdriver=remap name={Remap} primary-table=pt secondary-table=st remap-area=ra{Persistence}");
        Send($"link-child-instance parent=p0 child={Remap}");
    }

    /// <summary>Entries of a table of <paramref name="tableBlocks"/> blocks: (blocks × 512 − 64) / 8.</summary>
    public static long RemapCapacity(long tableBlocks) => (tableBlocks * Block - 64) / 8;

    /// <summary>The whole table through list-remap-table, key 0 on until ENOENT (which must carry a sentence).</summary>
    public IReadOnlyList<RemapListing> List(string name = Remap)
    {
        var entries = new List<RemapListing>();
        for (int key = 0; ; )
        {
            var reply = ControlFile.Send(Mountpoint, Invariant($"list-remap-table name={name} key={key}"));
            if (!reply.IsOk)
            {
                Assert.True(reply.WriteErrno == LinuxErrno.ENOENT && reply.ErrorName == "ENOENT" && reply.ErrorMessage.Length > 0,
                    $"the listing must end with ENOENT and a sentence; {reply}");
                return entries;
            }
            var fields = reply.Fields;
            entries.Add(new RemapListing(long.Parse(fields["bad-block"], CultureInfo.InvariantCulture),
                long.Parse(fields["remap-index"], CultureInfo.InvariantCulture), fields["status"]));
            int next = int.Parse(fields["key"], CultureInfo.InvariantCulture);
            Assert.True(next == key + 1, $"key {key} answered next key {next}; {reply}");
            key = next;
            Assert.True(key < 1000, "the listing does not end");
        }
    }

    /// <summary>Asserts the table lists exactly <paramref name="expected"/> (in order of bad block).</summary>
    public void AssertTable(params (long BadBlock, long RemapIndex, string Status)[] entries) =>
        AssertTable(entries.Select(e => new RemapListing(e.BadBlock, e.RemapIndex, e.Status)).ToArray());

    /// <summary>Asserts the table lists exactly <paramref name="expected"/> (in order of bad block).</summary>
    public void AssertTable(IReadOnlyList<RemapListing> expected)
    {
        var actual = List();
        Assert.True(expected.SequenceEqual(actual),
            $"expected the table [{string.Join(", ", expected)}], list-remap-table gives [{string.Join(", ", actual)}]\n{DaemonLog}");
    }

    /// <summary>get-attributes of the remap instance.</summary>
    public IReadOnlyDictionary<string, string> Attributes() => Send($"get-attributes name={Remap}").Fields;

    /// <summary>fault-add on f.</summary>
    public void Fault(string op, long block, long count = 1, int times = 0) =>
        Send(Invariant($"fault-add name=f op={op} start={block} count={count}{(times > 0 ? $" times={times}" : "")}"));

    /// <summary>The raw view of p0, read-write.</summary>
    public PosixFile OpenRaw(string name = "p0") => PosixFile.Open(_workspace.Rdsk(name), Libc.O_RDWR);

    /// <summary>Writes <paramref name="data"/> through rdsk/p0 at disk block <paramref name="diskBlock"/>; throws on an error.</summary>
    public void WriteRaw(long diskBlock, byte[] data)
    {
        using var raw = OpenRaw();
        raw.WriteExactly(data, (diskBlock - DataStart) * Block);
    }

    /// <summary>Reads through rdsk/p0 at disk block <paramref name="diskBlock"/>; throws on an error.</summary>
    public byte[] ReadRaw(long diskBlock, int length)
    {
        using var raw = OpenRaw();
        return raw.ReadBytes((diskBlock - DataStart) * Block, length);
    }

    /// <summary>One pread(2) of rdsk/p0 at disk block <paramref name="diskBlock"/>; returns its errno.</summary>
    public int TryReadRaw(long diskBlock, int length)
    {
        using var raw = OpenRaw();
        return raw.TryPread(new byte[length], (diskBlock - DataStart) * Block, out _);
    }

    /// <summary>One pwrite(2) of rdsk/p0 at disk block <paramref name="diskBlock"/>; returns its errno.</summary>
    public int TryWriteRaw(long diskBlock, byte[] data)
    {
        using var raw = OpenRaw();
        return raw.TryPwrite(data, (diskBlock - DataStart) * Block, out _);
    }

    /// <summary>Bytes of the image file d.img at disk block <paramref name="diskBlock"/>.</summary>
    public byte[] ImageAt(long diskBlock, int length) => ReadFileRange(Image, diskBlock * Block, length);

    /// <summary>The 512 bytes of remap-area block <paramref name="index"/> in the image file.</summary>
    public byte[] AreaBlockInImage(long index) => ImageAt(AreaStart + index, Block);

    /// <summary>Runs dd over rdsk/p0 (one 512-byte block at disk block <paramref name="diskBlock"/>), reading or writing <paramref name="source"/>.</summary>
    public CommandResult Dd(bool write, long diskBlock, string? source = null)
    {
        string raw = _workspace.Rdsk("p0");
        long partitionBlock = diskBlock - DataStart;
        string[] operands = write
            ? [$"if={source ?? "/dev/zero"}", $"of={raw}", "bs=512", Invariant($"seek={partitionBlock}"), "count=1", "oflag=direct", "conv=notrunc", "status=none"]
            : [$"if={raw}", "of=/dev/null", "bs=512", Invariant($"skip={partitionBlock}"), "count=1", "iflag=direct", "status=none"];
        return CommandRunner.Run("dd", operands);
    }

    /// <summary>
    /// Asserts the daemon's log has a line containing every one of <paramref name="parts"/>, waiting a little: the
    /// output reaches the test through a pipe read in the background.
    /// </summary>
    public void AssertLogLine(params string[] parts)
    {
        var clock = Stopwatch.StartNew();
        while (!DaemonLog.Split('\n').Any(line => parts.All(part => line.Contains(part, StringComparison.Ordinal))))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"no daemon log line contains all of [{string.Join(" | ", parts)}]\n{DaemonLog}");
            Thread.Sleep(20);
        }
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public void Dispose() => _workspace.Dispose();

    private void CreateDisks(bool secondDisk)
    {
        Send($"create-instance subdriver=physical name=d path={Image}{Persistence}");
        if (!_persistent)
        {
            Send("create-instance subdriver=fault name=f child=d");
        }
        foreach (var (name, start, size) in new[]
        {
            ("pt", PrimaryStart, TableBlocks), ("st", SecondaryStart, TableBlocks), ("ra", AreaStart, AreaBlocks), ("p0", DataStart, DataBlocks),
        })
        {
            Send(Invariant($"create-instance subdriver=partition name={name} child={Disk} start={start} size={size}{Persistence}"));
        }
        if (secondDisk)
        {
            Send($"create-instance subdriver=physical name=e path={SecondImage}{Persistence}");
            Send(Invariant($"create-instance subdriver=partition name=q0 child=e start={DataStart} size={DataBlocks}{Persistence}"));
        }
    }
}
