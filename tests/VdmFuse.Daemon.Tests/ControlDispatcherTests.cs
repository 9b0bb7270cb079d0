using VdmFuse.Control;
using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Engine;
using VdmFuse.Native;
using VdmFuse.Testing;
using Xunit;

namespace VdmFuse.Daemon.Tests;

public sealed class ControlDispatcherTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();
    private readonly InstanceRegistry _registry = new();
    private readonly ControlDispatcher _dispatcher;
    private readonly string _image;

    public ControlDispatcherTests()
    {
        _dispatcher = new ControlDispatcher(_registry);
        _image = _scratch.CreateFile("a.img", 8L << 20);
    }

    public void Dispose()
    {
        _registry.Dispose();
        _scratch.Dispose();
    }

    private ControlOutcome Run(string line, uint uid = 0) => _dispatcher.ExecuteLine(line, new ControlCaller(uid, uid, 0));

    private static void AssertError(ControlOutcome outcome, int errno, string messagePart)
    {
        Assert.Equal(errno, outcome.Errno);
        Assert.StartsWith($"error {Errno.Name(errno)} ", outcome.Text);
        Assert.Contains(messagePart, outcome.Text);
        Assert.EndsWith("\n", outcome.Text);
    }

    [Fact]
    public void CreatePhysical_Ok_ReturnsDeviceNumber()
    {
        var outcome = Run($"create-instance subdriver=physical name=a path={_image}");
        Assert.Equal(0, outcome.Errno);
        Assert.Equal("ok device-number=1\n", outcome.Text);
        Assert.Equal(8L << 20, _registry.Get("a").Size);
    }

    [Fact]
    public void CreateInstance_PersistentWithoutDatabase_EnotsupAndNothingCreated()
    {
        var outcome = Run($"create-instance subdriver=physical name=a path={_image} persistent=yes");
        AssertError(outcome, Errno.ENOTSUP, "this daemon runs without a configuration database; persistent instances cannot be recorded");
        Assert.Equal(0, _registry.Count);
        Assert.Equal(0, Run($"create-instance subdriver=physical name=a path={_image} persistent=no").Errno);
    }

    [Fact]
    public void CreatePartition_BlocksOrUnits_SameSize()
    {
        Run($"create-instance subdriver=physical name=a path={_image}");
        Assert.Equal("ok device-number=2\n", Run("create-instance subdriver=partition name=p child=a start=2048 size=4096").Text);
        Assert.Equal("ok device-number=3\n", Run("create-instance subdriver=partition name=q child=a start=1M size=2M").Text);
        Assert.Equal(_registry.Get("p").Size, _registry.Get("q").Size);
        Assert.Equal(2L << 20, _registry.Get("q").Size);
    }

    [Fact]
    public void GetInstances_ListsEveryInstanceWithItsFields()
    {
        Run($"create-instance subdriver=physical name=a path={_image}");
        Run("create-instance subdriver=partition name=p child=a start=0 size=100");
        var reply = TextCodec.ParseReply(Run("get-instances", uid: 65534).Text);
        Assert.True(reply.IsOk);
        Assert.Equal("2", reply.Find("count"));
        Assert.Equal(2, reply.Records.Count);
        var a = reply.Records[0];
        Assert.Equal("instance", a.Tag);
        Assert.Equal("a", a.Find("name"));
        Assert.Equal("physical", a.Find("subdriver"));
        Assert.Equal("1", a.Find("device-number"));
        Assert.Equal((8L << 20).ToString(), a.Find("size"));
        Assert.Equal("-", a.Find("children"));
        Assert.Equal("p", a.Find("parents"));
        Assert.Equal("1", a.Find("exported"));
        Assert.Equal("0", a.Find("open"));
        Assert.Equal("usable", a.Find("state"));
        var p = reply.Records[1];
        Assert.Equal("a", p.Find("children"));
        Assert.Equal("51200", p.Find("size"));
    }

    [Fact]
    public void Delete_ByNameOrNumber_Removes()
    {
        Run($"create-instance subdriver=physical name=a path={_image}");
        Run("create-instance subdriver=partition name=p child=a start=0 size=100");
        Assert.Equal("ok\n", Run("delete-instance name=2").Text);
        Assert.Equal("ok\n", Run("delete-instance name=a").Text);
        Assert.Equal(0, _registry.Count);
    }

    [Fact]
    public void Blank_And_Comment_NoReply()
    {
        Assert.Equal(new ControlOutcome(0, ""), Run(""));
        Assert.Equal(new ControlOutcome(0, ""), Run("   # nothing"));
    }

    [Fact]
    public void Help_OpenToAll_ListsEveryVerb()
    {
        var reply = TextCodec.ParseReply(Run("help", uid: 1000).Text);
        Assert.True(reply.IsOk);
        var verbs = reply.Records.Select(r => r.Find("verb")).ToList();
        Assert.Contains("create-instance", verbs);
        Assert.Contains("delete-instance", verbs);
        Assert.Contains("get-instances", verbs);
    }

    [Fact]
    public void Errors_EveryUserPath_ErrnoAndSentence()
    {
        AssertError(Run("frobnicate"), Errno.EINVAL, "unknown command 'frobnicate'");
        AssertError(Run($"create-instance subdriver=physical name=a path={_image} colour=blue"), Errno.EINVAL, "unknown field 'colour'");
        AssertError(Run("create-instance subdriver=physical name=a"), Errno.EINVAL, "missing field 'path'");
        AssertError(Run($"create-instance subdriver=tape name=a path={_image}"), Errno.EINVAL, "unknown subdriver 'tape'");
        AssertError(Run("create-instance subdriver=physical name=a path=/nonexistent/x.img"), Errno.ENOENT, "/nonexistent/x.img");
        AssertError(Run($"create-instance subdriver=physical name=a path={_scratch.Path}"), Errno.EISDIR, _scratch.Path);
        AssertError(Run($"create-instance subdriver=physical name=a path={_image}", uid: 1000), Errno.EPERM, "only root may run this command (caller uid 1000)");
        Assert.Equal(0, Run($"create-instance subdriver=physical name=a path={_image}").Errno);
        AssertError(Run($"create-instance subdriver=physical name=a path={_image}"), Errno.EEXIST, "'a'");
        AssertError(Run($"create-instance subdriver=physical name=b path={_image}"), Errno.EBUSY, _image);
        AssertError(Run("create-instance subdriver=partition name=p child=a start=16000 size=1000"), Errno.EINVAL, "'a'");
        AssertError(Run("create-instance subdriver=partition name=p child=zz start=0 size=1"), Errno.ENOENT, "'zz'");
        AssertError(Run("create-instance subdriver=physical name=c path=/x start=1"), Errno.EINVAL, "field 'start' does not apply to subdriver physical");
        AssertError(Run("create-instance subdriver=partition name=p child=a start=1.5 size=1"), Errno.EINVAL, "'start'");
        AssertError(Run("delete-instance name=ghost"), Errno.ENOENT, "'ghost'");
        AssertError(Run("delete-instance name=a", uid: 1), Errno.EPERM, "delete-instance");
        Run("create-instance subdriver=partition name=p child=a start=0 size=1");
        AssertError(Run("delete-instance name=a"), Errno.EBUSY, "'p'");
        _registry.Get("p").AddOpen();
        AssertError(Run("delete-instance name=p"), Errno.EBUSY, "open");
        _registry.Get("p").RemoveOpen();
        Assert.Equal(0, Run("delete-instance name=p").Errno);
    }
}
