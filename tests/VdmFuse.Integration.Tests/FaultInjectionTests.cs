using System.Globalization;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// The fault subdriver through a real mount: rules added and cleared over the control file, by vdmadm and by
/// ioctl(2) from C, and I/O through rdsk/f with dd and pread/pwrite failing exactly where and when they say.
/// The tests share one daemon and start by clearing every rule.
/// </summary>
public sealed class FaultInjectionTests : IClassFixture<FaultDiskFixture>
{
    private const int Block = 512;
    private readonly FaultDiskFixture _fixture;

    public FaultInjectionTests(FaultDiskFixture fixture)
    {
        _fixture = fixture;
        Send("fault-clear name=f");
    }

    private DaemonWorkspace Workspace => _fixture.Workspace;

    private ControlReply Send(string command) => ControlFile.SendOk(Workspace.Mountpoint, command);

    /// <summary>dd of <paramref name="blocks"/> 512-byte blocks at <paramref name="block"/> of rdsk/f, reading or writing.</summary>
    private CommandResult Dd(bool write, long block, int blocks = 1)
    {
        string raw = Workspace.Rdsk("f");
        string[] operands = write
            ? ["if=/dev/zero", $"of={raw}", "bs=512", Invariant($"seek={block}"), Invariant($"count={blocks}"), "oflag=direct", "conv=notrunc", "status=none"]
            : [$"if={raw}", "of=/dev/null", "bs=512", Invariant($"skip={block}"), Invariant($"count={blocks}"), "iflag=direct", "status=none"];
        return CommandRunner.Run("dd", operands);
    }

    private static void AssertFailsWithEio(CommandResult dd)
    {
        Assert.True(dd.ExitCode != 0, $"dd should have failed: {dd}");
        Assert.Contains("Input/output error", dd.StandardError, StringComparison.Ordinal);
    }

    private static byte[] Filled(int length, byte value)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        return bytes;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Dd_ReadRuleOnABlock_FailsWithEioOnThatBlockOnly()
    {
        Assert.True(int.Parse(Send("fault-add name=f op=read start=100 count=8").Fields["id"], CultureInfo.InvariantCulture) >= 1);

        AssertFailsWithEio(Dd(write: false, 100));
        AssertFailsWithEio(Dd(write: false, 107));
        AssertFailsWithEio(Dd(write: false, 96, blocks: 8)); // overlaps the range at its start: fails whole
        Dd(write: false, 99).EnsureSuccess();
        Dd(write: false, 108).EnsureSuccess();
        Dd(write: false, 0, blocks: 64).EnsureSuccess();
        Dd(write: true, 100).EnsureSuccess(); // a read rule lets writes through

        var rule = Assert.Single(Send("fault-list name=f").Records);
        Assert.Equal("3", rule.Fields["hits"]);
        Assert.Equal("read", rule.Fields["op"]);
    }

    [Fact]
    public void Dd_WriteRule_FailsWritesThereWithoutTouchingTheImage()
    {
        byte[] before = ReadFileRange(_fixture.Image, 200 * Block, Block);
        using (var raw = PosixFile.Open(Workspace.Rdsk("f"), Libc.O_RDWR))
        {
            raw.WriteExactly(Filled(Block, 0x11), 300 * Block);
        }
        Send("fault-add name=f op=write start=200");

        AssertFailsWithEio(Dd(write: true, 200));
        AssertBytes.Equal(before, ReadFileRange(_fixture.Image, 200 * Block, Block), "block 200 of the image after a failed write");
        Dd(write: true, 201).EnsureSuccess();
        Dd(write: false, 200).EnsureSuccess();
    }

    [Fact]
    public void Pwrite_RuleWithTimesOne_FailsOnceThenWorks()
    {
        Send("fault-add name=f op=write start=400 count=4 times=1 errno=ENOSPC");
        using var raw = PosixFile.Open(Workspace.Rdsk("f"), Libc.O_RDWR);
        byte[] data = Filled(4 * Block, 0x42);

        int errno = raw.TryPwrite(data, 400 * Block, out _);
        Assert.Equal(28, errno); // ENOSPC, the rule's errno
        raw.WriteExactly(data, 400 * Block);

        AssertBytes.Equal(data, ReadFileRange(_fixture.Image, 400 * Block, 4 * Block), "blocks 400-403 of the image");
        Assert.Equal("0", Send("fault-list name=f").Fields["count"]);
        Assert.Equal("0", Send("get-attributes name=f").Fields["rules"]);
    }

    [Fact]
    public void FaultClear_AfterARule_HealsTheBlocks()
    {
        string id = Send("fault-add name=f op=both start=500 count=2").Fields["id"];
        AssertFailsWithEio(Dd(write: false, 501));
        AssertFailsWithEio(Dd(write: true, 500));

        Assert.Equal("1", Send($"fault-clear name=f id={id}").Fields["cleared"]);

        Dd(write: false, 501).EnsureSuccess();
        Dd(write: true, 500).EnsureSuccess();
        ControlFile.SendExpectingError(Workspace.Mountpoint, $"fault-clear name=f id={id}", LinuxErrno.ENOENT, "ENOENT");
    }

    [Fact]
    public void DropRule_OnEveryBlock_FailsEveryReadWriteAndFsync()
    {
        Send("fault-add name=f op=both all=1");
        long lastBlock = FaultDiskFixture.DiskSize / Block - 1;

        AssertFailsWithEio(Dd(write: false, 0));
        AssertFailsWithEio(Dd(write: false, lastBlock));
        AssertFailsWithEio(Dd(write: true, 12345));
        using (var raw = PosixFile.Open(Workspace.Rdsk("f"), Libc.O_RDWR))
        {
            Assert.Equal(LinuxErrno.EIO, raw.TryPread(new byte[Block], 4096, out _));
            Assert.Equal(LinuxErrno.EIO, raw.TryPwrite(new byte[Block], 4096, out _));
            Assert.Throws<IOException>(() => raw.Fsync());
        }
        AssertFailsWithEio(Dd(write: false, 0)); // still dropped: the rule lasts until cleared
        Assert.True(int.Parse(Send("get-attributes name=f").Fields["hits"], CultureInfo.InvariantCulture) >= 5);

        Send("fault-clear name=f");
        Dd(write: false, lastBlock).EnsureSuccess();
        using var healed = PosixFile.Open(Workspace.Rdsk("f"), Libc.O_RDWR);
        healed.Fsync();
    }

    [Fact]
    public void ControlFile_FaultCommandOnAPhysicalInstance_FailsWithEinvalNamingIt()
    {
        var reply = ControlFile.SendExpectingError(Workspace.Mountpoint, "fault-add name=fd0 op=read", LinuxErrno.EINVAL, "EINVAL");
        Assert.Equal("fault-add: physical instance 'fd0' is not a fault instance (fault-add works on instances of subdriver fault)", reply.ErrorMessage);
        ControlFile.SendExpectingError(Workspace.Mountpoint, "fault-add name=f op=read start=131072", LinuxErrno.EINVAL, "EINVAL");
        ControlFile.SendExpectingError(Workspace.Mountpoint, "fault-list name=nosuch", LinuxErrno.ENOENT, "ENOENT");
    }

    [Fact]
    public void Vdmadm_FaultAddListClear_DrivesTheRules()
    {
        var added = Vdmadm.RunOk(Workspace.Mountpoint, "fault", "add", "f", "--op", "read", "--start", "600", "--count", "4K", "--errno", "ENXIO");
        Assert.Contains("added rule", added.StandardOutput, StringComparison.Ordinal);

        var listed = Vdmadm.RunOk(Workspace.Mountpoint, "fault", "list", "f");
        var row = listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["read", "600", "8", "ENXIO", "0", "0"], row[1..]);
        using (var raw = PosixFile.Open(Workspace.Rdsk("f"), Libc.O_RDONLY))
        {
            Assert.Equal(6, raw.TryPread(new byte[Block], 607 * Block, out _)); // ENXIO
        }

        Vdmadm.RunOk(Workspace.Mountpoint, "fault", "clear", "f");
        Assert.Contains("no rules", Vdmadm.RunOk(Workspace.Mountpoint, "fault", "list", "f").StandardOutput, StringComparison.Ordinal);
        var refused = Vdmadm.Run(Workspace.Mountpoint, "fault", "clear", "f", "--id", "77");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("ENOENT: fault-clear: fault instance 'f' has no rule 77", refused.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void CProgram_IoctlOnTheInstanceFileAndTheControlFile_AddsListsAndClearsRules()
    {
        string program = Workspace.PathOf("fault_ioctl");
        CommandRunner.Run("gcc", "-Wall", "-Werror", "-I", RepositoryLayout.IncludeDirectory, "-o", program,
            Path.Combine(RepositoryLayout.CSources, "fault_ioctl.c")).EnsureSuccess();
        string device = ControlFile.GetInstances(Workspace.Mountpoint)["f"].Fields["device-number"];

        var run = CommandRunner.Run(program, Workspace.Mountpoint, "f", device);

        Assert.True(run.ExitCode == 0, $"fault_ioctl failed\n{run}\n--- daemon ---\n{Workspace.Daemon?.Output}");
        Assert.DoesNotContain("FAIL", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("listed id=", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(" op=2 error=28 start=8 count=2 times=1 hits=0\n", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("fault_ioctl: all 16 checks passed", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("0", Send("fault-list name=f").Fields["count"]);
    }
}
