using System.Globalization;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.PartitionedDiskFixture;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// The control file MNT/vdm: commands written as lines, replies read back on the same open file, failures reported
/// by write(2) with the exact errno and by an <c>error ERRNAME message</c> reply naming the instance or path.
/// Each test uses its own instance names, so the tests share one daemon.
/// </summary>
public sealed class ControlFileTests : IClassFixture<PartitionedDiskFixture>
{
    /// <summary>Sends argv[2] to the control file argv[1]; prints write-errno=N, then the reply read on the same file.</summary>
    private const string ControlClientScript = """
        import os, sys
        fd = os.open(sys.argv[1], os.O_RDWR)
        try:
            os.write(fd, (sys.argv[2] + "\n").encode())
            print("write-errno=0")
        except OSError as e:
            print("write-errno=%d" % e.errno)
        reply = b""
        for _ in range(256):
            try:
                chunk = os.read(fd, 65536)
            except OSError as e:
                print("read-errno=%d" % e.errno)
                break
            if not chunk:
                break
            reply += chunk
        sys.stdout.write(reply.decode())
        """;

    private readonly PartitionedDiskFixture _fixture;

    public ControlFileTests(PartitionedDiskFixture fixture) => _fixture = fixture;

    private DaemonWorkspace Workspace => _fixture.Workspace;

    private string Mountpoint => Workspace.Mountpoint;

    [Fact]
    public void CreateInstance_PhysicalImage_RepliesDeviceNumberAndExportsAtOnce()
    {
        string image = NewImage("create-physical.img", 16L << 20);
        Assert.False(File.Exists(Workspace.Dsk("cp1")), "dsk/cp1 exists before it was created");
        Assert.False(File.Exists(Workspace.Rdsk("cp1")), "rdsk/cp1 exists before it was created");

        var reply = ControlFile.SendOk(Mountpoint, $"create-instance subdriver=physical name=cp1 path={image}");

        Assert.True(reply.Fields.TryGetValue("device-number", out var number) && uint.TryParse(number, CultureInfo.InvariantCulture, out _),
            $"no numeric device-number= in the reply; {reply}");
        Assert.True(File.Exists(Workspace.Dsk("cp1")), "dsk/cp1 did not appear at once");
        Assert.True(File.Exists(Workspace.Rdsk("cp1")), "rdsk/cp1 did not appear at once");
        Assert.Contains("cp1", Directory.GetFileSystemEntries(Path.Combine(Mountpoint, "dsk")).Select(p => Path.GetFileName(p)));
        Assert.Equal(16L << 20, new FileInfo(Workspace.Rdsk("cp1")).Length);
        Assert.Equal(number, ControlFile.GetInstances(Mountpoint)["cp1"]["device-number"]);

        ControlFile.SendOk(Mountpoint, "delete-instance name=cp1");

        Assert.False(File.Exists(Workspace.Dsk("cp1")), "dsk/cp1 is still there after delete-instance");
        Assert.False(File.Exists(Workspace.Rdsk("cp1")), "rdsk/cp1 is still there after delete-instance");
        Assert.DoesNotContain("cp1", Directory.GetFileSystemEntries(Path.Combine(Mountpoint, "rdsk")).Select(p => Path.GetFileName(p)));
        Assert.False(ControlFile.GetInstances(Mountpoint).ContainsKey("cp1"), "get-instances still lists cp1");
    }

    [Fact]
    public void CreateInstance_PartitionWithBlockCounts_MapsTheChildWindow()
    {
        var reply = ControlFile.SendOk(Mountpoint, "create-instance subdriver=partition name=cq1 child=d1 start=4096 size=10000");
        Assert.True(reply.Fields.ContainsKey("device-number"), reply.ToString());
        try
        {
            Assert.Equal(10000L * 512, new FileInfo(Workspace.Rdsk("cq1")).Length);
            byte[] data = TestData.Random(4096);
            using (var partition = PosixFile.Open(Workspace.Rdsk("cq1"), Libc.O_RDWR))
            {
                partition.WriteExactly(data, 0);
            }
            using var disk = PosixFile.Open(Workspace.Rdsk("d1"), Libc.O_RDONLY);
            AssertBytes.Equal(data, disk.ReadBytes(4096L * 512, data.Length), "rdsk/d1 at block 4096 after a write to rdsk/cq1");
            var instances = ControlFile.GetInstances(Mountpoint);
            Assert.Contains("d1", instances["cq1"]["children"], StringComparison.Ordinal);
            Assert.Contains("cq1", instances["d1"]["parents"], StringComparison.Ordinal);
        }
        finally
        {
            ControlFile.Send(Mountpoint, "delete-instance name=cq1");
        }
    }

    [Fact]
    public void CreateInstance_PartitionSizeWithSuffix_HasThatSize()
    {
        ControlFile.SendOk(Mountpoint, "create-instance subdriver=partition name=cs1 child=d1 start=2048 size=32M");
        try
        {
            Assert.Equal(32L << 20, new FileInfo(Workspace.Dsk("cs1")).Length);
            Assert.Equal(32L << 20, long.Parse(ControlFile.GetInstances(Mountpoint)["cs1"]["size"], CultureInfo.InvariantCulture));
        }
        finally
        {
            ControlFile.SendOk(Mountpoint, "delete-instance name=cs1");
        }
        Assert.False(File.Exists(Workspace.Dsk("cs1")), "dsk/cs1 is still there after delete-instance");
    }

    [Fact]
    public void ControlFile_UnknownCommand_FailsWithEinval()
    {
        var reply = ControlFile.SendExpectingError(Mountpoint, "frobnicate name=x", LinuxErrno.EINVAL, "EINVAL");
        Assert.Contains("frobnicate", reply.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateInstance_UnknownField_FailsWithEinvalNamingTheField()
    {
        string image = NewImage("unknown-field.img", 4L << 20);
        var reply = ControlFile.SendExpectingError(Mountpoint,
            $"create-instance subdriver=physical name=cu1 path={image} colour=blue", LinuxErrno.EINVAL, "EINVAL");
        Assert.Contains("colour", reply.ErrorMessage, StringComparison.Ordinal);
        Assert.False(File.Exists(Workspace.Dsk("cu1")), "a refused create-instance exported cu1");
    }

    [Fact]
    public void CreateInstance_MissingPath_FailsWithEinvalNamingTheField()
    {
        var reply = ControlFile.SendExpectingError(Mountpoint, "create-instance subdriver=physical name=cm1", LinuxErrno.EINVAL, "EINVAL");
        Assert.Contains("path", reply.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateInstance_DuplicateName_FailsWithEexistNamingTheInstance()
    {
        string image = NewImage("duplicate.img", 4L << 20);
        var reply = ControlFile.SendExpectingError(Mountpoint, $"create-instance subdriver=physical name=d0 path={image}", LinuxErrno.EEXIST, "EEXIST");
        Assert.Contains("d0", reply.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateInstance_NonexistentPath_FailsWithEnoentNamingThePath()
    {
        string missing = Workspace.PathOf("no-such-image.img");
        var reply = ControlFile.SendExpectingError(Mountpoint, $"create-instance subdriver=physical name=cn1 path={missing}", LinuxErrno.ENOENT, "ENOENT");
        Assert.Contains(missing, reply.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateInstance_DirectoryAsPath_FailsWithEisdirNamingThePath()
    {
        string directory = Workspace.CreateDirectory("a-directory");
        var reply = ControlFile.SendExpectingError(Mountpoint, $"create-instance subdriver=physical name=cd1 path={directory}", LinuxErrno.EISDIR, "EISDIR");
        Assert.Contains(directory, reply.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateInstance_ImageAlreadyBacking_FailsWithEbusyNamingItOrItsInstance()
    {
        var reply = ControlFile.SendExpectingError(Mountpoint,
            $"create-instance subdriver=physical name=cb1 path={_fixture.Disk0Image}", LinuxErrno.EBUSY, "EBUSY");
        Assert.True(reply.ErrorMessage.Contains(_fixture.Disk0Image, StringComparison.Ordinal) || reply.ErrorMessage.Contains("d0", StringComparison.Ordinal),
            $"the message names neither {_fixture.Disk0Image} nor d0: {reply.ErrorMessage}");
        Assert.False(File.Exists(Workspace.Dsk("cb1")), "a refused create-instance exported cb1");
    }

    [Fact]
    public void CreateInstance_PartitionPastChildEnd_FailsWithEinvalNamingTheInstance()
    {
        // d1 has 131072 blocks: 2048 + 131072 runs past its end.
        var reply = ControlFile.SendExpectingError(Mountpoint,
            "create-instance subdriver=partition name=ce1 child=d1 start=2048 size=131072", LinuxErrno.EINVAL, "EINVAL");
        Assert.True(reply.ErrorMessage.Contains("ce1", StringComparison.Ordinal) || reply.ErrorMessage.Contains("d1", StringComparison.Ordinal),
            $"the message names neither ce1 nor d1: {reply.ErrorMessage}");
        Assert.False(File.Exists(Workspace.Dsk("ce1")), "a refused create-instance exported ce1");
    }

    [Fact]
    public void DeleteInstance_Unknown_FailsWithEnoentNamingIt()
    {
        var reply = ControlFile.SendExpectingError(Mountpoint, "delete-instance name=nosuch7", LinuxErrno.ENOENT, "ENOENT");
        Assert.Contains("nosuch7", reply.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void DeleteInstance_WithParentPartition_FailsWithEbusyNamingIt()
    {
        var reply = ControlFile.SendExpectingError(Mountpoint, "delete-instance name=d0", LinuxErrno.EBUSY, "EBUSY");
        Assert.Contains("d0", reply.ErrorMessage, StringComparison.Ordinal);
        Assert.True(File.Exists(Workspace.Dsk("d0")), "dsk/d0 vanished after a refused delete");
    }

    [Fact]
    public void DeleteInstance_WhileOpen_FailsWithEbusyThenSucceedsAfterClose()
    {
        string image = NewImage("open-delete.img", 8L << 20);
        ControlFile.SendOk(Mountpoint, $"create-instance subdriver=physical name=co1 path={image}");
        using (var open = PosixFile.Open(Workspace.Rdsk("co1"), Libc.O_RDONLY))
        {
            Assert.Equal("1", ControlFile.GetInstances(Mountpoint)["co1"]["open"]);
            var reply = ControlFile.SendExpectingError(Mountpoint, "delete-instance name=co1", LinuxErrno.EBUSY, "EBUSY");
            Assert.Contains("co1", reply.ErrorMessage, StringComparison.Ordinal);
        }

        // The kernel sends RELEASE after close(2) returns, asynchronously: allow it a moment to arrive.
        ControlReply deleted = ControlFile.Send(Mountpoint, "delete-instance name=co1");
        for (int attempt = 0; attempt < 40 && deleted.WriteErrno == LinuxErrno.EBUSY; attempt++)
        {
            Thread.Sleep(50);
            deleted = ControlFile.Send(Mountpoint, "delete-instance name=co1");
        }
        Assert.True(deleted.IsOk, deleted.ToString());
        Assert.False(File.Exists(Workspace.Rdsk("co1")), "rdsk/co1 is still there after delete-instance");
    }

    [Fact]
    public void ControlFile_Mode_IsReadWriteForEveryone()
    {
        var mode = File.GetUnixFileMode(Workspace.ControlPath);
        var everyoneReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        Assert.Equal(everyoneReadWrite, mode & everyoneReadWrite);
    }

    [Fact]
    public void ControlFile_NonRootCreateInstance_FailsWithEperm()
    {
        string image = NewImage("nobody.img", 4L << 20);
        var result = SystemTools.RunPythonAsNobody(ControlClientScript, Workspace.ControlPath,
            $"create-instance subdriver=physical name=cr1 path={image}");

        Assert.True(result.Succeeded, result.ToString());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 0 && lines[0] == $"write-errno={LinuxErrno.EPERM}", $"expected write(2) to fail with EPERM as nobody:\n{result}");
        Assert.True(lines.Length > 1 && lines[1].StartsWith("error EPERM ", StringComparison.Ordinal), $"expected the reply `error EPERM ...`:\n{result}");
        Assert.False(File.Exists(Workspace.Dsk("cr1")), "nobody created cr1");
    }

    [Fact]
    public void ControlFile_NonRootGetInstances_Succeeds()
    {
        var result = SystemTools.RunPythonAsNobody(ControlClientScript, Workspace.ControlPath, "get-instances");

        Assert.True(result.Succeeded, result.ToString());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 1 && lines[0] == "write-errno=0" && lines[1].StartsWith("ok count=", StringComparison.Ordinal),
            $"expected get-instances to work as nobody:\n{result}");
        Assert.Contains(lines, line => line.StartsWith("instance ", StringComparison.Ordinal) && line.Contains("name=p0", StringComparison.Ordinal));
    }

    [Fact]
    public void ControlFile_FailingCommandFromShell_ReportsTheError()
    {
        var result = CommandRunner.RunShell($"echo frobnicate > {Workspace.ControlPath}");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Invalid argument", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void ControlFile_CommandFromShell_RepliesOnTheSameOpenFile()
    {
        var result = CommandRunner.RunShell($"exec 3<>{Workspace.ControlPath} && echo get-instances >&3 && cat <&3");

        Assert.True(result.Succeeded, result.ToString());
        Assert.StartsWith("ok count=", result.StandardOutput, StringComparison.Ordinal);
    }

    private string NewImage(string name, long size)
    {
        string path = Workspace.PathOf(name);
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            stream.SetLength(size);
        }
        return path;
    }
}
