using System.Diagnostics;
using VdmFuse.Control;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Native;
using VdmFuse.Testing;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>Who may run what: privileged commands need root, the daemon's user or the admin group; the rest are open to all.</summary>
public sealed class AccessControlTests : IDisposable
{
    private const uint AdminGid = 4242;
    private readonly ScratchDirectory _scratch = new();
    private readonly ScratchDirectory _proc = new();
    private readonly Engine.InstanceRegistry _registry = new();
    private readonly string _image;

    public AccessControlTests()
    {
        _image = _scratch.CreateFile("a.img", 1 << 20);
        var root = new ControlDispatcher(_registry);
        Assert.True(root.Execute(new ControlCommand("create-instance", new("subdriver", "physical"), new("name", "a"), new("path", _image)), ControlCaller.Configuration).IsOk);
        Assert.True(root.Execute(new ControlCommand("create-instance", new("subdriver", "partition"), new("name", "p"), new("child", "a"), new("start", "0"), new("size", "10")), ControlCaller.Configuration).IsOk);
    }

    public void Dispose()
    {
        _registry.Dispose();
        _scratch.Dispose();
        _proc.Dispose();
    }

    public static TheoryData<string> PrivilegedLines => new()
    {
        "create-instance subdriver=partition name=p2 child=a start=0 size=10",
        "delete-instance name=p",
        "link-child-instance parent=p child=a",
        "unlink-child-instance parent=p child=a",
        "update-attributes name=p size=5",
        "ioctl-subdriver subdriver=physical name=a command=flush",
    };

    public static TheoryData<string> OpenLines => new()
    {
        "get-child-instance parent=p available=0",
        "get-child-instance parent=p available=1",
        "get-attributes name=a",
        "get-instances",
        "get-instances key=0",
        "dsk-get name=p",
        "dsk-usage name=a",
        "dsk-get-address name=p block=3",
        "ioctl-subdriver subdriver=physical name=a command=get-info",
        "help",
    };

    private ControlReply Run(AccessPolicy policy, string line, ControlCaller caller)
    {
        var outcome = new ControlDispatcher(_registry, policy).ExecuteLine(line, caller);
        return TextCodec.ParseReply(outcome.Text);
    }

    private static void AssertRefused(ControlReply reply, string message)
    {
        Assert.Equal("EPERM", reply.ErrnoName);
        Assert.Equal(Errno.EPERM, reply.Errno);
        Assert.Equal(message, reply.Message);
    }

    private string WriteStatus(uint pid, string groupsLine)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_proc.Path, pid.ToString()));
        var path = Path.Combine(directory.FullName, "status");
        File.WriteAllText(path, $"Name:\tvdmadm\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\n{groupsLine}\nVmPeak:\t1 kB\n");
        return path;
    }

    [Theory]
    [MemberData(nameof(PrivilegedLines))]
    public void Privileged_OrdinaryUserWithoutAdminGroup_EPERMOnlyRoot(string line)
    {
        var reply = Run(AccessPolicy.RootOnly, line, new ControlCaller(1000, 1000, 0));
        var verb = line.Split(' ')[0];
        AssertRefused(reply, $"{verb}: only root may run this command (caller uid 1000)");
    }

    [Theory]
    [MemberData(nameof(PrivilegedLines))]
    public void Privileged_NotInTheAdminGroup_EPERMNamingTheGroup(string line)
    {
        var policy = new AccessPolicy(0, new AdminGroup(AdminGid, "vdmadm"), new ProcessGroups(_proc.Path));
        WriteStatus(777, "Groups:\t10 20 ");
        var reply = Run(policy, line, new ControlCaller(1000, 1000, 777));
        AssertRefused(reply, $"{line.Split(' ')[0]}: only root or members of group 'vdmadm' may run this command (caller uid 1000)");
    }

    [Theory]
    [MemberData(nameof(OpenLines))]
    public void Open_OrdinaryUser_Allowed(string line)
    {
        var reply = Run(AccessPolicy.RootOnly, line, new ControlCaller(65534, 65534, 0));
        Assert.True(reply.IsOk, $"{line}: {reply.ErrnoName} {reply.Message}");
    }

    [Fact]
    public void Privileged_Root_Allowed()
    {
        var reply = Run(AccessPolicy.RootOnly, "update-attributes name=p size=5", new ControlCaller(0, 1000, 0));
        Assert.True(reply.IsOk, reply.Message);
    }

    [Fact]
    public void Privileged_TheDaemonsOwnUser_Allowed()
    {
        var policy = new AccessPolicy(ownerUid: 1000);
        Assert.True(Run(policy, "update-attributes name=p size=5", new ControlCaller(1000, 1000, 0)).IsOk);
        AssertRefused(Run(policy, "update-attributes name=p size=6", new ControlCaller(1001, 1000, 0)),
            "update-attributes: only root may run this command (caller uid 1001)");
    }

    [Fact]
    public void Privileged_AdminGroupAsPrimaryGid_Allowed()
    {
        var policy = new AccessPolicy(0, new AdminGroup(AdminGid, "vdmadm"), new ProcessGroups(_proc.Path));
        Assert.True(policy.IsPrivileged(new ControlCaller(1000, AdminGid, 0)));
        Assert.True(Run(policy, "update-attributes name=p size=5", new ControlCaller(1000, AdminGid, 0)).IsOk);
    }

    [Fact]
    public void Privileged_AdminGroupAmongSupplementaryGroups_Allowed()
    {
        var policy = new AccessPolicy(0, new AdminGroup(AdminGid, "vdmadm"), new ProcessGroups(_proc.Path));
        WriteStatus(4321, $"Groups:\t10 {AdminGid} 30 ");
        Assert.True(Run(policy, "update-attributes name=p size=5", new ControlCaller(1000, 1000, 4321)).IsOk);
        // The same user from a process that is gone (or has other groups) is refused.
        AssertRefused(Run(policy, "update-attributes name=p size=6", new ControlCaller(1000, 1000, 4322)),
            "update-attributes: only root or members of group 'vdmadm' may run this command (caller uid 1000)");
    }

    [Fact]
    public void ProcessGroups_StatusFile_ReadsTheGroupsLine()
    {
        WriteStatus(55, "Groups:\t4 24 27 4242 ");
        WriteStatus(56, "Groups:\t");
        WriteStatus(57, "Groups:\t4 x 9");
        var groups = new ProcessGroups(_proc.Path);
        Assert.Equal([4u, 24u, 27u, 4242u], groups.Read(55));
        Assert.Empty(groups.Read(56));
        Assert.Equal([4u], groups.Read(57));
        Assert.Empty(groups.Read(58));
        Assert.Empty(groups.Read(0));
    }

    [Fact]
    public void ProcessGroups_RealProcessWithSupplementaryGroups_ReadFromProc()
    {
        // A real process running as nobody with the supplementary groups disk (6) and cdrom (24).
        using var process = Process.Start(new ProcessStartInfo("setpriv", ["--reuid=65534", "--regid=65534", "--groups=6,24", "sleep", "30"]))!;
        try
        {
            var pid = (uint)process.Id;
            var groups = new ProcessGroups();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!groups.Read(pid).SequenceEqual([6u, 24u]) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20); // until setpriv has exec'ed sleep with its new groups
            }
            Assert.Equal([6u, 24u], groups.Read(pid));
            var policy = new AccessPolicy(0, new AdminGroup(6, "disk"));
            Assert.True(policy.IsPrivileged(new ControlCaller(65534, 65534, pid)));
            Assert.True(Run(policy, "update-attributes name=p size=5", new ControlCaller(65534, 65534, pid)).IsOk);
            var other = new AccessPolicy(0, new AdminGroup(AdminGid, "vdmadm"));
            AssertRefused(Run(other, "update-attributes name=p size=6", new ControlCaller(65534, 65534, pid)),
                "update-attributes: only root or members of group 'vdmadm' may run this command (caller uid 65534)");
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    [Fact]
    public void ProcessGroups_ThisTestProcess_MatchesItsOwnStatus()
    {
        var line = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("Groups:", StringComparison.Ordinal));
        var expected = line["Groups:".Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(uint.Parse);
        Assert.Equal(expected, new ProcessGroups().Read((uint)Environment.ProcessId));
    }
}
