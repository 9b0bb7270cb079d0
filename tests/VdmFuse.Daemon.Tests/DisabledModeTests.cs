using VdmFuse.Daemon.ControlPlane;
using VdmFuse.Native;
using Xunit;

namespace VdmFuse.Daemon.Tests;

/// <summary>The dispatcher in disabled mode, and the diagnostic control file in both modes.</summary>
public sealed class DisabledModeTests : DispatcherFixture
{
    private const string Refusal =
        "the daemon is disabled: fewer than two good copies; only diagnostic commands (get-mode, db-*, enable, get-instances) are accepted";

    private static readonly ControlCaller Diagnostic = new ControlCaller(0, 0, 0) { Door = ControlDoor.Diagnostic };

    [Fact]
    public void Disabled_CreateInstance_EagainWithTheReasonAndNothingCreated()
    {
        Dispatcher.Mode.Disable("fewer than two good copies");

        var reply = Run($"create-instance subdriver=physical name=a path={Image}");

        AssertError(reply, Errno.EAGAIN, $"create-instance: {Refusal}");
        Assert.Equal(0, Registry.Count);
    }

    [Fact]
    public void Disabled_ExistingInstances_StayAndAreListed()
    {
        CreateDiskAndPartitions();
        Dispatcher.Mode.Disable("fewer than two good copies");

        var reply = Run("get-instances");

        Assert.True(reply.IsOk);
        Assert.Equal("3", reply.Find("count"));
        AssertError(Run("delete-instance name=q"), Errno.EAGAIN, $"delete-instance: {Refusal}");
        AssertError(Run("dsk-get name=a"), Errno.EAGAIN, $"dsk-get: {Refusal}");
        Assert.Equal(3, Registry.Count);
    }

    [Fact]
    public void Disabled_GetMode_SaysDisabledAndWhy()
    {
        Dispatcher.Mode.Disable("started with -d");

        var reply = Run("get-mode");

        Assert.True(reply.IsOk);
        Assert.Equal("disabled", reply.Find("mode"));
        Assert.Equal("no", reply.Find("enabled"));
        Assert.Equal("started with -d", reply.Find("reason"));
        Assert.Equal("0", reply.Find("copies"));
    }

    [Fact]
    public void Enabled_GetMode_SaysEnabled()
    {
        var reply = Run("get-mode");

        Assert.Equal("enabled", reply.Find("mode"));
        Assert.Equal("", reply.Find("reason"));
    }

    [Fact]
    public void DiagnosticDoor_OrdinaryCommand_EpermInBothModes()
    {
        const string message = "create-instance: the diagnostic control file accepts only diagnostic commands (get-mode, db-*, enable, get-instances); use the request control file";
        AssertError(Run($"create-instance subdriver=physical name=a path={Image}", Diagnostic), Errno.EPERM, message);
        Dispatcher.Mode.Disable("started with -d");
        AssertError(Run($"create-instance subdriver=physical name=a path={Image}", Diagnostic), Errno.EPERM, message);
        Assert.Equal(0, Registry.Count);
    }

    [Fact]
    public void DiagnosticDoor_DiagnosticCommands_Accepted()
    {
        Dispatcher.Mode.Disable("started with -d");

        Assert.True(Run("get-mode", Diagnostic).IsOk);
        Assert.True(Run("get-instances", Diagnostic).IsOk);
        Assert.True(Run("help", Diagnostic).IsOk);
    }

    [Fact]
    public void NoDatabase_DbList_EnotsupNamingIt() =>
        AssertError(Run("db-list"), Errno.ENOTSUP, "db-list: this daemon runs without a configuration database");

    [Fact]
    public void ConfigurationDoor_Disabled_StillRunsCommands()
    {
        Dispatcher.Mode.Disable("started with -d");

        var outcome = Dispatcher.ExecuteLine($"create-instance subdriver=physical name=a path={Image}", ControlCaller.Configuration);

        Assert.Equal(0, outcome.Errno);
        Assert.Equal(1, Registry.Count);
    }

    [Theory]
    [InlineData("get-mode", true)]
    [InlineData("db-list", true)]
    [InlineData("db-check", true)]
    [InlineData("db-add", true)]
    [InlineData("db-remove", true)]
    [InlineData("db-reinit", true)]
    [InlineData("db-restore", true)]
    [InlineData("enable", true)]
    [InlineData("get-instances", true)]
    [InlineData("create-instance", false)]
    [InlineData("delete-instance", false)]
    [InlineData("dsk-get", false)]
    public void IsDiagnostic_Verb_MatchesTheContract(string verb, bool diagnostic) =>
        Assert.Equal(diagnostic, DiagnosticCommands.IsDiagnostic(verb));
}
