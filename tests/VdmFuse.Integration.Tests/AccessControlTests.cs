using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// Access control with real users against a real mount whose configuration says <c>admin-group = 4242</c>: everyone may
/// query; create, delete, link, unlink, update and state-changing subdriver commands need uid 0 or the admin group,
/// as the primary gid or a supplementary group; everyone else gets EPERM naming the command.
/// </summary>
public sealed class AccessControlTests : IClassFixture<AdminGroupFixture>
{
    private static readonly string[] PrimaryGidAdmin = ["--reuid=65534", "--regid=4242", "--clear-groups"];
    private static readonly string[] SupplementaryAdmin = ["--reuid=65534", "--regid=65534", "--groups=4242"];

    private readonly AdminGroupFixture _fixture;

    public AccessControlTests(AdminGroupFixture fixture) => _fixture = fixture;

    private string Mountpoint => _fixture.Mountpoint;

    [Fact]
    public void Nobody_QueriesThroughEveryDoor_Succeed()
    {
        var queries = new[]
        {
            "get-instances key=0",
            "get-child-instance parent=p0 available=0",
            "get-child-instance parent=p0 available=1 key=0",
            "get-attributes name=d0",
            "get-attributes name=p0",
            "dsk-get name=p0",
            "dsk-usage name=d0",
            "dsk-get-address name=p0 block=7",
            "ioctl-subdriver subdriver=physical name=d0 command=get-info",
        };
        var commands = Doors().SelectMany(door => queries.Select(query => (door, query))).ToList();

        var replies = ForeignClient.Send(ForeignClient.Nobody, Mountpoint, commands);

        foreach (var reply in replies)
        {
            Assert.True(reply.IsOk, reply.ToString());
        }
        var text = ForeignClient.Send(ForeignClient.Nobody, Mountpoint, [(ControlDoor.Text, "get-instances")]).Single();
        Assert.True(text.IsOk && text.Number("count") == 3, text.ToString());
    }

    [Fact]
    public void Nobody_PrivilegedCommandsThroughEveryDoor_FailWithEpermNamingTheCommand()
    {
        string image = ImageFor("nobody");
        var privileged = new[]
        {
            ("create-instance", $"create-instance subdriver=physical name=np1 path={image}"),
            ("create-instance", "create-instance subdriver=partition name=np2 child=d1 start=0 size=100"),
            ("delete-instance", "delete-instance name=p0"),
            ("delete-instance", "delete-instance name=d1"),
            ("link-child-instance", "link-child-instance parent=p0 child=d1"),
            ("unlink-child-instance", "unlink-child-instance parent=p0 child=d0"),
            ("update-attributes", "update-attributes name=p0 subdriver=partition start=2048 size=100"),
            ("ioctl-subdriver", "ioctl-subdriver subdriver=physical name=d0 command=flush"),
        };
        var commands = Doors().SelectMany(door => privileged.Select(p => (door, p.Item2))).ToList();

        var replies = ForeignClient.Send(ForeignClient.Nobody, Mountpoint, commands);

        for (int i = 0; i < replies.Count; i++)
        {
            var reply = replies[i];
            string verb = privileged[i % privileged.Length].Item1;
            Assert.True(reply.Errno == LinuxErrno.EPERM, reply.ToString());
            if (reply.Door != ControlDoor.Ioctl)
            {
                Assert.True(reply.Message == $"{verb}: only root or members of group '4242' may run this command (caller uid 65534)",
                    $"unexpected sentence; {reply}");
            }
        }
        Assert.Equal(["d0", "d1", "p0"], ControlFile.GetInstances(Mountpoint).Keys.Order());
        Assert.Equal("32768", ControlFile.SendOk(Mountpoint, "get-attributes name=p0").Fields["size"]);
    }

    [Theory]
    [InlineData(ControlDoor.Text)]
    [InlineData(ControlDoor.Packet)]
    [InlineData(ControlDoor.Ioctl)]
    public void AdminGroupAsPrimaryGid_CreateAndDelete_Succeed(ControlDoor door) =>
        AssertMayAdminister(PrimaryGidAdmin, door, "pg" + (int)door);

    [Theory]
    [InlineData(ControlDoor.Text)]
    [InlineData(ControlDoor.Packet)]
    [InlineData(ControlDoor.Ioctl)]
    public void AdminGroupAsSupplementaryGroup_CreateAndDelete_Succeed(ControlDoor door) =>
        AssertMayAdminister(SupplementaryAdmin, door, "sg" + (int)door);

    [Fact]
    public void AdminGroupByName_MemberMayCreateOthersMayNot()
    {
        CommandRunner.Run("groupadd", "-f", "vdmtest").EnsureSuccess();
        string gid = CommandRunner.Run("getent", "group", "vdmtest").EnsureSuccess().StandardOutput.Split(':')[2];
        using var workspace = new DaemonWorkspace();
        string image = workspace.PathOf("named.img");
        using (var stream = File.Create(image))
        {
            stream.SetLength(4L << 20);
        }
        workspace.Configuration.AdminGroup = "vdmtest";
        workspace.StartDaemon();

        var member = ForeignClient.Send(["--reuid=65534", "--regid=65534", $"--groups={gid}"], workspace.Mountpoint,
            [(ControlDoor.Text, $"create-instance subdriver=physical name=named path={image}"), (ControlDoor.Text, "delete-instance name=named")]);
        var stranger = ForeignClient.Send(ForeignClient.Nobody, workspace.Mountpoint,
            [(ControlDoor.Text, $"create-instance subdriver=physical name=named path={image}")]).Single();

        Assert.All(member, reply => Assert.True(reply.IsOk, reply.ToString()));
        Assert.True(stranger.Errno == LinuxErrno.EPERM, stranger.ToString());
        Assert.Equal("create-instance: only root or members of group 'vdmtest' may run this command (caller uid 65534)", stranger.Message);
        Assert.Equal(0, workspace.StopDaemon());
    }

    private void AssertMayAdminister(string[] user, ControlDoor door, string name)
    {
        string image = ImageFor(name);
        var created = ForeignClient.Send(user, Mountpoint, [(door, $"create-instance subdriver=physical name={name} path={image}")]).Single();
        Assert.True(created.IsOk, created.ToString());
        Assert.True(File.Exists(_fixture.Workspace.Dsk(name)), $"dsk/{name} missing after create-instance");

        // The binary doors name instances by device number: each batch names only instances that exist when it is sent.
        var partition = ForeignClient.Send(user, Mountpoint, [(door, $"create-instance subdriver=partition name={name}p child={name} start=0 size=100")]).Single();
        Assert.True(partition.IsOk, partition.ToString());
        var steps = ForeignClient.Send(user, Mountpoint,
        [
            (door, $"update-attributes name={name}p subdriver=partition start=0 size=200"),
            (door, $"ioctl-subdriver subdriver=physical name={name} command=flush"),
            (door, $"delete-instance name={name}p"),
            (door, $"delete-instance name={name}"),
        ]);

        Assert.All(steps, reply => Assert.True(reply.IsOk, reply.ToString()));
        Assert.False(ControlFile.GetInstances(Mountpoint).ContainsKey(name), $"{name} is still listed after delete-instance");
    }

    private string ImageFor(string name) => _fixture.NewImage(name + ".img", 4L << 20);

    private static ControlDoor[] Doors() => [ControlDoor.Text, ControlDoor.Packet, ControlDoor.Ioctl];
}
