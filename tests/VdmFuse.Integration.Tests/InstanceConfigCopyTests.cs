using System.Globalization;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// A copy of the configuration database on a partition instance (<c>config-copy = instance:p0</c>), the partition and
/// its physical disk created by the configuration file's own commands before the database loads: the daemon records a
/// persistent instance in both copies, brings it back after a restart, lists the instance copy with its region, and
/// refuses to delete or change the partition while it holds the copy.
/// </summary>
public sealed class InstanceConfigCopyTests
{
    private const long PartitionStartBlock = 2048;
    private const long PartitionBlocks = 2048;

    [Fact]
    public void Restart_CopyOnAPartitionAndAFile_PersistentInstanceBackAndBothCopiesGood()
    {
        using var workspace = new DaemonWorkspace();
        string image = workspace.PathOf("base.img");
        string fileCopy = workspace.PathOf("config.file");
        workspace.Configuration.LogLevel = "info";
        workspace.Configuration.AddImage(image, 8 * MiB)
            .AddPhysical("base", image)
            .AddPartition("p0", "base", PartitionStartBlock, PartitionBlocks)
            .AddConfigCopy("instance:p0")
            .AddConfigCopy(fileCopy);
        workspace.StartDaemon();
        Assert.True(DiagnosticControl.GetMode(workspace.Mountpoint) is { Mode: "enabled", Copies: 2, Good: 2 },
            DiagnosticControl.Send(workspace.Mountpoint, "get-mode").ToString());
        string keepImage = workspace.PathOf("keep.img");
        using (var file = File.Create(keepImage))
        {
            file.SetLength(MiB);
        }
        var created = DiagnosticControl.SendOk(workspace.Mountpoint, $"create-instance subdriver=physical name=keep path={keepImage} persistent=1");
        string keepDevice = created.Field("device-number")!;
        Assert.Equal(0, workspace.StopDaemon());

        // The copy went through the partition: its slot A starts at the partition's first byte in the image.
        using (var stream = new FileStream(image, FileMode.Open, FileAccess.Read))
        {
            var magic = new byte[8];
            stream.Position = PartitionStartBlock * 512;
            stream.ReadExactly(magic);
            Assert.Equal("VDMCFG01"u8.ToArray(), magic);
        }

        workspace.StartDaemon();

        Assert.True(DiagnosticControl.GetMode(workspace.Mountpoint) is { Mode: "enabled", Copies: 2, Good: 2 },
            DiagnosticControl.Send(workspace.Mountpoint, "get-mode").ToString());
        Assert.Equal(keepDevice, ControlFile.GetInstances(workspace.Mountpoint)["keep"]["device-number"]);
        var copies = DiagnosticControl.ListCopies(workspace.Mountpoint);
        Assert.Equal(2, copies.Count);
        var onInstance = copies[0];
        Assert.Equal("instance:p0", DiagnosticControl.Get(onInstance, "path"));
        Assert.Equal("0", DiagnosticControl.Get(onInstance, "offset"));
        Assert.Equal((PartitionBlocks * 512).ToString(CultureInfo.InvariantCulture), DiagnosticControl.Get(onInstance, "length"));
        Assert.Equal(fileCopy, DiagnosticControl.Get(copies[1], "path"));
        Assert.All(copies, c => Assert.Equal("good", DiagnosticControl.Get(c, "state")));
        Assert.Equal(DiagnosticControl.Get(copies[1], "sequence"), DiagnosticControl.Get(onInstance, "sequence"));
        Assert.Contains(DiagnosticControl.SendOk(workspace.Mountpoint, "db-check").RecordsOf("copy"),
            c => DiagnosticControl.Get(c, "path") == "instance:p0" && DiagnosticControl.Get(c, "state") == "good");

        var delete = ControlFile.SendExpectingError(workspace.Mountpoint, "delete-instance name=p0", 16, "EBUSY");
        Assert.Contains("configuration copy 1 of 2", delete.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("'p0'", delete.ErrorMessage, StringComparison.Ordinal);
        var update = ControlFile.SendExpectingError(workspace.Mountpoint, "update-attributes name=p0 size=1024", 16, "EBUSY");
        Assert.Contains("configuration copy 1 of 2", update.ErrorMessage, StringComparison.Ordinal);
        Assert.True(ControlFile.GetInstances(workspace.Mountpoint).ContainsKey("p0"));
        Assert.Equal(0, workspace.StopDaemon());
    }

    [Fact]
    public void DbRemove_CopyOnAPartition_ReleasesItForDeletion()
    {
        using var workspace = new DaemonWorkspace();
        string image = workspace.PathOf("base.img");
        workspace.Configuration.LogLevel = "info";
        workspace.Configuration.AddImage(image, 8 * MiB)
            .AddPhysical("base", image)
            .AddPartition("p0", "base", PartitionStartBlock, PartitionBlocks)
            .AddConfigCopy("instance:p0")
            .AddConfigCopy(workspace.PathOf("config.1"))
            .AddConfigCopy(workspace.PathOf("config.2"));
        workspace.StartDaemon();

        var refused = DiagnosticControl.SendExpectingError(workspace.Mountpoint, "db-add path=instance:p0 offset=0 length=4096", "EINVAL");
        Assert.Contains("whole instance", refused.Reply!.Message, StringComparison.Ordinal);
        DiagnosticControl.SendOk(workspace.Mountpoint, "db-remove path=instance:p0");
        ControlFile.SendOk(workspace.Mountpoint, "delete-instance name=p0");

        Assert.True(DiagnosticControl.GetMode(workspace.Mountpoint) is { Mode: "enabled", Copies: 2, Good: 2 });
        Assert.Equal(0, workspace.StopDaemon());
    }
}
