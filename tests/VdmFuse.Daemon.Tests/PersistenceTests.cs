using System.Buffers.Binary;
using System.IO.Hashing;
using VdmFuse.Control;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Daemon.Hosting;
using VdmFuse.Daemon.Persistence;
using VdmFuse.Engine;
using VdmFuse.Engine.Metadata;
using VdmFuse.Native;
using VdmFuse.Testing;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>
/// Persistent instances and the diagnostic commands over a real configuration database: two copies in scratch
/// files, and "restarts" that open a new registry and database over the same copies.
/// </summary>
public sealed class PersistenceTests : IDisposable
{
    private static readonly ControlCaller Root = new(0, 0, 0);
    private static readonly ControlCaller User = new(1000, 1000, 0);

    private readonly ScratchDirectory _scratch = new();
    private readonly List<InstanceRegistry> _registries = [];
    private readonly string _image;
    private readonly string _image2;
    private Daemon _daemon;

    public PersistenceTests()
    {
        _image = _scratch.CreateFile("a.img", 8L << 20);
        _image2 = _scratch.CreateFile("b.img", 8L << 20);
        _daemon = Start();
    }

    private string Copy0 => _scratch["config.0"];

    private string Copy1 => _scratch["config.1"];

    public void Dispose()
    {
        foreach (var registry in _registries)
        {
            registry.Dispose();
        }
        _scratch.Dispose();
    }

    [Fact]
    public void FirstStart_NoCopies_InitialisesBothAndEnables()
    {
        var mode = Ok("get-mode");

        Assert.Equal("enabled", mode.Find("mode"));
        Assert.Equal("2", mode.Find("copies"));
        Assert.Equal("2", mode.Find("good"));
        Assert.True(File.Exists(Copy0));
        Assert.True(File.Exists(Copy1));
    }

    [Fact]
    public void PersistentInstances_AfterRestart_BackWithTheirDeviceNumbers()
    {
        Ok($"create-instance subdriver=physical name=a path={_image} persistent=1");
        Ok($"create-instance subdriver=physical name=b path={_image2}");
        Ok("create-instance subdriver=partition name=p child=a start=2048 size=4096 persistent=1 exported=0");
        Ok("create-instance subdriver=partition name=q child=a start=0 size=100");

        Restart();

        Assert.Equal(["a", "p"], _daemon.Registry.All.Select(i => i.Name));
        Assert.Equal(1u, _daemon.Registry.Get("a").DeviceNumber);
        Assert.Equal(3u, _daemon.Registry.Get("p").DeviceNumber);
        Assert.False(_daemon.Registry.Get("p").Exported);
        Assert.Equal(2048L * 512, ((PartitionDisk)_daemon.Registry.Get("p")).StartBlock * 512);
        // The numbers recorded (up to p's) are never reused; q's (4, not persistent) may be.
        Assert.Equal("4", Ok($"create-instance subdriver=physical name=c path={_image2}").Find("device-number"));
        Assert.True(_daemon.Mode.IsEnabled);
    }

    [Fact]
    public void DeletePersistent_AfterRestart_Gone()
    {
        Ok($"create-instance subdriver=physical name=a path={_image} persistent=1");
        Ok($"create-instance subdriver=physical name=b path={_image2} persistent=1");
        Ok("delete-instance name=a");

        Restart();

        Assert.Equal(["b"], _daemon.Registry.All.Select(i => i.Name));
        Assert.Equal(2u, _daemon.Registry.Get("b").DeviceNumber);
    }

    [Fact]
    public void UpdateAndLink_Persistent_RecordedToo()
    {
        Ok($"create-instance subdriver=physical name=a path={_image} persistent=1");
        Ok("create-instance subdriver=partition name=p child=a start=0 size=100 persistent=1");
        Ok("update-attributes name=p start=8 size=16");

        Restart();

        var p = (PartitionDisk)_daemon.Registry.Get("p");
        Assert.Equal(8, p.StartBlock);
        Assert.Equal(16, p.SizeBlocks);
    }

    [Fact]
    public void PersistentMirrorOnNonPersistentImage_EinvalAndNothingCreated()
    {
        Ok($"create-instance subdriver=physical name=a path={_image} persistent=1");
        Ok("create-instance subdriver=partition name=p0 child=a start=0 size=100 persistent=1");
        Ok("create-instance subdriver=partition name=p1 child=a start=100 size=100");

        var reply = Run("create-instance subdriver=mirror name=m images=p0,p1 persistent=1");

        AssertError(reply, Errno.EINVAL, "create-instance: persistent instance 'm' cannot be built on 'p1', which is not persistent (it would be missing at the next start)");
        Assert.False(_daemon.Registry.TryGet("m", out _));
    }

    [Fact]
    public void PersistentOnNonPersistentChild_EinvalAndNothingCreated()
    {
        Ok($"create-instance subdriver=physical name=a path={_image}");

        var reply = Run("create-instance subdriver=partition name=p child=a start=0 size=100 persistent=1");

        AssertError(reply, Errno.EINVAL, "create-instance: persistent instance 'p' cannot be built on 'a', which is not persistent (it would be missing at the next start)");
        Assert.False(_daemon.Registry.TryGet("p", out _));
    }

    [Fact]
    public void PersistentFromTheConfigurationFile_Einval()
    {
        var outcome = _daemon.Dispatcher.ExecuteLine($"create-instance subdriver=physical name=a path={_image} persistent=1", ControlCaller.Configuration);

        Assert.Equal(Errno.EINVAL, outcome.Errno);
        Assert.Contains("the configuration file's commands create non-persistent instances", outcome.Text);
        Assert.Empty(_daemon.Registry.All);
    }

    [Fact]
    public void DeleteChildOfRecordedParent_Ebusy()
    {
        Ok($"create-instance subdriver=physical name=a path={_image} persistent=1");
        Ok("create-instance subdriver=partition name=p child=a start=0 size=100 persistent=1");

        Assert.Equal("EBUSY", Run("delete-instance name=a").ErrnoName);
        Assert.True(_daemon.Registry.TryGet("a", out _));
    }

    [Fact]
    public void RecordedImageMissing_AtStart_DisabledWithTheReasonAndOthersBack()
    {
        Ok($"create-instance subdriver=physical name=a path={_image} persistent=1");
        Ok($"create-instance subdriver=physical name=b path={_image2} persistent=1");
        File.Delete(_image2);

        Restart();

        Assert.False(_daemon.Mode.IsEnabled);
        Assert.StartsWith("recorded instance 'b' cannot be re-created: ", _daemon.Mode.Reason);
        Assert.Contains(_image2, _daemon.Mode.Reason);
        Assert.True(_daemon.Registry.TryGet("a", out _));
        AssertError(Run($"create-instance subdriver=physical name=c path={_image}"), Errno.EAGAIN,
            $"create-instance: the daemon is disabled: {_daemon.Mode.Reason}; only diagnostic commands (get-mode, db-*, enable, get-instances) are accepted");

        // The image is back: enable re-creates b with its number.
        _scratch.CreateFile("b.img", 8L << 20);
        Assert.Equal("enabled", Ok("enable").Find("mode"));
        Assert.Equal(2u, _daemon.Registry.Get("b").DeviceNumber);
    }

    [Fact]
    public void StartDisabled_GoodCopies_DisabledUntilEnable()
    {
        Ok($"create-instance subdriver=physical name=a path={_image} persistent=1");

        Restart(startDisabled: true);

        Assert.Equal("started with -d", _daemon.Mode.Reason);
        Assert.True(_daemon.Registry.TryGet("a", out _));
        Assert.Equal("enabled", Ok("enable").Find("mode"));
    }

    [Fact]
    public void DbList_TwoCopies_OneRecordEach()
    {
        Ok($"create-instance subdriver=physical name=a path={_image} persistent=1");

        var reply = Ok("db-list");

        Assert.Equal("2", reply.Find("count"));
        Assert.Equal([Copy0, Copy1], reply.Records.Select(r => r.Find("path")));
        Assert.All(reply.Records, r => Assert.Equal("good", r.Find("state")));
        Assert.All(reply.Records, r => Assert.Equal("0", r.Find("offset")));
        Assert.All(reply.Records, r => Assert.Equal(RecordLocation.DefaultFileLength.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Find("length")));
        Assert.Single(reply.Records.Select(r => r.Find("sequence")).Distinct());
        Assert.Single(reply.Records.Select(r => r.Find("id")).Distinct());
        Assert.Equal(_daemon.Persistence.Database.Id.ToString(), reply.Records[0].Find("id"));
    }

    [Fact]
    public void DbRemove_SecondCopy_DisabledThenDbAddAndEnable()
    {
        var removed = Ok($"db-remove path={Copy1}");

        Assert.Equal("1", removed.Find("count"));
        Assert.False(_daemon.Mode.IsEnabled);
        Assert.Contains("configuration cop", _daemon.Mode.Reason);
        Assert.Equal("EAGAIN", Run($"create-instance subdriver=physical name=a path={_image}").ErrnoName);

        var copy2 = _scratch["config.2"];
        Assert.Equal("2", Ok($"db-add path={copy2}").Find("good"));
        Assert.Equal("enabled", Ok("enable").Find("mode"));
        Ok($"create-instance subdriver=physical name=a path={_image} persistent=1");
        Assert.Equal(2, _daemon.Persistence.Copies.Count(c => c.IsGood));
    }

    [Fact]
    public void DbAdd_RangeOfAFile_ListedWithOffsetAndLength()
    {
        var device = _scratch.CreateFile("device.img", 1L << 20);

        var reply = Ok($"db-add path={device} offset=64K length=128K");

        var copy = reply.Records.Single(r => r.Find("path") == device);
        Assert.Equal("65536", copy.Find("offset"));
        Assert.Equal("131072", copy.Find("length"));
        Assert.Equal("good", copy.Find("state"));
        Assert.Equal("3", reply.Find("good"));
    }

    [Fact]
    public void DbAdd_OffsetWithoutLength_Einval() =>
        AssertError(Run($"db-add path={_scratch["x"]} offset=4096"), Errno.EINVAL,
            "db-add: give both offset and length (a range of a file or block device), or neither (a whole file)");

    [Fact]
    public void DbCheck_CorruptedCopy_FailsItDisablesThenDbReinitAndEnable()
    {
        Ok($"create-instance subdriver=physical name=a path={_image} persistent=1");
        FlipBytes(Copy1);

        var check = Ok("db-check");

        Assert.Equal("1", check.Find("good"));
        Assert.Equal("failed", check.Records.Single(r => r.Find("path") == Copy1).Find("state"));
        Assert.False(_daemon.Mode.IsEnabled);

        Ok($"db-reinit path={Copy1}");
        Assert.Equal("2", Ok("db-check").Find("good"));
        Assert.Equal("enabled", Ok("enable").Find("mode"));
    }

    [Fact]
    public void CopyWriteFails_DuringCommit_DisabledAndTheInstanceStays()
    {
        File.Delete(Copy1);
        Directory.CreateDirectory(Copy1);

        var reply = Run($"create-instance subdriver=physical name=a path={_image} persistent=1");

        Assert.True(reply.IsOk, reply.Message);
        Assert.False(_daemon.Mode.IsEnabled);
        Assert.Equal("failed", _daemon.Persistence.Copies.Single(c => c.Location.Path == Copy1).StateName);
        Directory.Delete(Copy1);
        Restart();
        // Copy 0 holds the instance; copy 1 is gone: one good copy, disabled, but the instance is back.
        Assert.False(_daemon.Mode.IsEnabled);
        Assert.True(_daemon.Registry.TryGet("a", out _), _daemon.Mode.Reason);
    }

    [Fact]
    public void Conflict_SameSequenceDifferentContent_DisabledNamingCopiesThenRestore()
    {
        Ok($"create-instance subdriver=physical name=a path={_image} persistent=1");
        var id = _daemon.Persistence.Database.Id;
        var sequence = _daemon.Persistence.Database.Sequence + 1;
        var state = _daemon.Persistence.Database.State;
        var changed = state.WithInstance(state.Find("a")! with { Exported = false });
        DurableRecordStore.Open(new RecordLocation(Copy0)).Write(id, sequence, ConfigSerializer.Serialize(state with { NextDeviceNumber = 7 }));
        DurableRecordStore.Open(new RecordLocation(Copy1)).Write(id, sequence, ConfigSerializer.Serialize(changed));

        Restart();

        Assert.False(_daemon.Mode.IsEnabled);
        Assert.Contains(Copy0, _daemon.Mode.Reason);
        Assert.Contains(Copy1, _daemon.Mode.Reason);
        Assert.Equal("EBUSY", Run("enable").ErrnoName);
        var conflict = Ok("db-check").Records.Single(r => r.Tag == "conflict");
        Assert.Equal($"{Copy0},{Copy1}", conflict.Find("copies"));
        Assert.Equal(sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), conflict.Find("sequence"));
        Assert.Contains("a", conflict.Find("differences"));

        Ok($"db-restore from={Copy1}");
        Assert.Equal("enabled", Ok("enable").Find("mode"));
        Assert.False(_daemon.Registry.Get("a").Exported);
    }

    [Fact]
    public void Reset_AtStart_NothingRecorded()
    {
        Ok($"create-instance subdriver=physical name=a path={_image} persistent=1");
        var oldId = _daemon.Persistence.Database.Id;

        Restart(reset: true);

        Assert.Empty(_daemon.Registry.All);
        Assert.True(_daemon.Mode.IsEnabled);
        Assert.NotEqual(oldId, _daemon.Persistence.Database.Id);
    }

    [Fact]
    public void Reset_InstanceOpen_Ebusy()
    {
        Ok($"create-instance subdriver=physical name=a path={_image} persistent=1");
        _daemon.Registry.Get("a").AddOpen();

        var error = Assert.Throws<ErrnoException>(() => _daemon.Persistence.Reset());

        Assert.Equal(Errno.EBUSY, error.Errno);
        Assert.Contains("'a' is open", error.Message);
        _daemon.Registry.Get("a").RemoveOpen();
    }

    [Fact]
    public void UnsupportedFormatVersion_AtStart_ExitCode6()
    {
        SetFormatVersion(Copy0, 2);

        var error = Assert.Throws<DaemonStartException>(() => Restart());

        Assert.Equal(ExitCodes.UnsupportedFormat, error.ExitCode);
        Assert.Contains(Copy0, error.Message);
    }

    [Fact]
    public void Privilege_DbCommands_OnlyTheReadOnesForUsers()
    {
        Assert.True(Run("get-mode", User).IsOk);
        Assert.True(Run("db-list", User).IsOk);
        Assert.True(Run("db-check", User).IsOk);
        foreach (var line in new[] { $"db-add path={_scratch["c"]}", $"db-remove path={Copy1}", $"db-reinit path={Copy1}", $"db-restore from={Copy0}", "enable" })
        {
            Assert.Equal("EPERM", Run(line, User).ErrnoName);
        }
        Assert.Equal(2, _daemon.Persistence.Copies.Count);
    }

    [Fact]
    public void DbCommands_ThroughThePacketDoor_RoundTrip()
    {
        var door = new PacketDoor(_daemon.Dispatcher);
        var layout = PacketLayouts.Find("db-list")!;

        var outcome = door.ExecuteIoctl(layout.Command, layout.Size, (uint)layout.Size, (uint)layout.Size, new byte[layout.Size], null, "vdmdiag", Root);

        Assert.Equal(0, outcome.Errno);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(outcome.Reply.AsSpan(4)));
        var path = System.Text.Encoding.UTF8.GetString(outcome.Reply.AsSpan(16 + 24 + 128, 1024)).TrimEnd('\0');
        Assert.Equal(Copy0, path);
    }

    private sealed record Daemon(InstanceRegistry Registry, DaemonMode Mode, PersistentConfiguration Persistence, ControlDispatcher Dispatcher);

    private Daemon Start(bool startDisabled = false, bool reset = false)
    {
        var registry = new InstanceRegistry();
        _registries.Add(registry);
        var mode = new DaemonMode();
        var persistence = new PersistentConfiguration([new RecordLocation(Copy0), new RecordLocation(Copy1)], registry, mode);
        if (reset)
        {
            persistence.Reset();
        }
        persistence.LoadAtStart(startDisabled);
        return new Daemon(registry, mode, persistence, new ControlDispatcher(registry, mode: mode, persistence: persistence));
    }

    private void Restart(bool startDisabled = false, bool reset = false)
    {
        _daemon.Registry.Dispose();
        _daemon = Start(startDisabled, reset);
    }

    private ControlReply Run(string line, ControlCaller? caller = null) =>
        TextCodec.ParseReply(_daemon.Dispatcher.ExecuteLine(line, caller ?? Root).Text);

    private ControlReply Ok(string line)
    {
        var reply = Run(line);
        Assert.True(reply.IsOk, $"'{line}' failed: {reply.ErrnoName} {reply.Message}");
        return reply;
    }

    private static void AssertError(ControlReply reply, int errno, string message)
    {
        Assert.Equal(Errno.Name(errno), reply.ErrnoName);
        Assert.Equal(message, reply.Message);
    }

    /// <summary>Flips bytes in both slots' headers.</summary>
    private static void FlipBytes(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        foreach (var offset in new[] { 20L, RecordLocation.DefaultFileLength / 2 + 20 })
        {
            file.Position = offset;
            var b = file.ReadByte();
            file.Position = offset;
            file.WriteByte((byte)(b ^ 0xff));
        }
    }

    /// <summary>Rewrites both slots' format version, with valid header checksums: a newer format, not damage.</summary>
    private static void SetFormatVersion(string path, uint version)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        foreach (var slot in new[] { 0L, RecordLocation.DefaultFileLength / 2 })
        {
            var header = new byte[64];
            file.Position = slot;
            file.ReadExactly(header);
            if (!header.AsSpan(0, 8).SequenceEqual("VDMCFG01"u8))
            {
                continue;
            }
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), version);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(60), Crc32.HashToUInt32(header.AsSpan(0, 60)));
            file.Position = slot;
            file.Write(header);
        }
    }
}
