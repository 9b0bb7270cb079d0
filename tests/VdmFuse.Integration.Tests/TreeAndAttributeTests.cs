using System.Globalization;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.PartitionedDiskFixture;

namespace VdmFuse.Integration.Tests;

/// <summary>The tree under the mount, file sizes, extended attributes, statfs/df and the BLKGETSIZE64 ioctl.</summary>
public sealed class TreeAndAttributeTests : IClassFixture<PartitionedDiskFixture>
{
    private const string BlkGetSize64Script = """
        import fcntl, os, struct, sys
        fd = os.open(sys.argv[1], os.O_RDONLY)
        buffer = bytearray(8)
        fcntl.ioctl(fd, 0x80081272, buffer, True)
        print(struct.unpack("<Q", bytes(buffer))[0])
        """;

    private static readonly Dictionary<string, long> ExpectedSizes = new()
    {
        ["d0"] = Disk0Size,
        ["p0"] = PartitionSize,
        ["d1"] = Disk1Size,
    };

    private readonly PartitionedDiskFixture _fixture;

    public TreeAndAttributeTests(PartitionedDiskFixture fixture) => _fixture = fixture;

    private DaemonWorkspace Workspace => _fixture.Workspace;

    [Fact]
    public void Root_Listing_IsDskRdskPlexVdmAndVdmdiag()
    {
        var names = Directory.GetFileSystemEntries(Workspace.Mountpoint).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal);
        Assert.Equal(["dsk", "plex", "rdsk", "vdm", "vdmdiag"], names);
        Assert.True(Directory.Exists(Path.Combine(Workspace.Mountpoint, "dsk")));
        Assert.True(Directory.Exists(Path.Combine(Workspace.Mountpoint, "rdsk")));
        Assert.True(File.Exists(Workspace.ControlPath));
    }

    [Fact]
    public void Plex_Directory_ExistsAndIsEmpty()
    {
        string plex = Path.Combine(Workspace.Mountpoint, "plex");
        Assert.True(Directory.Exists(plex), "MNT/plex is missing");
        Assert.Empty(Directory.GetFileSystemEntries(plex));
    }

    [Theory]
    [InlineData("dsk")]
    [InlineData("rdsk")]
    public void ViewDirectory_Listing_IsExactlyTheExportedInstances(string view)
    {
        var listed = Directory.GetFileSystemEntries(Path.Combine(Workspace.Mountpoint, view))
            .Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList();
        var exported = ControlFile.GetInstances(Workspace.Mountpoint).Values
            .Where(r => r["exported"] == "1").Select(r => r["name"]).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["d0", "d1", "p0"], listed);
        Assert.Equal(exported, listed);
    }

    [Theory]
    [InlineData("dsk", "d0")]
    [InlineData("dsk", "p0")]
    [InlineData("dsk", "d1")]
    [InlineData("rdsk", "d0")]
    [InlineData("rdsk", "p0")]
    [InlineData("rdsk", "d1")]
    public void ExportedFile_Stat_SizeIsInstanceSize(string view, string name)
    {
        string path = Path.Combine(Workspace.Mountpoint, view, name);
        Assert.Equal(ExpectedSizes[name], new FileInfo(path).Length);
        var stat = CommandRunner.Run("stat", "-c", "%s", path).EnsureSuccess();
        Assert.Equal(ExpectedSizes[name], long.Parse(stat.StandardOutput.Trim(), CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("dsk", "p0")]
    [InlineData("rdsk", "p0")]
    [InlineData("rdsk", "d0")]
    public void ExportedFile_Blkgetsize64Ioctl_ReturnsInstanceSize(string view, string name)
    {
        var result = SystemTools.RunPython(BlkGetSize64Script, Path.Combine(Workspace.Mountpoint, view, name));
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(ExpectedSizes[name], long.Parse(result.StandardOutput.Trim(), CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("p0", "partition")]
    [InlineData("d0", "physical")]
    public void ExportedFile_Getfattr_ListsVdmAttributesMatchingGetInstances(string name, string subdriver)
    {
        var result = CommandRunner.Run("getfattr", "-d", "--absolute-names", Workspace.Dsk(name));
        Assert.True(result.Succeeded, result.ToString());
        var attributes = ParseGetfattr(result.StandardOutput);
        foreach (var key in new[] { "user.vdm.subdriver", "user.vdm.device-number", "user.vdm.size", "user.vdm.state" })
        {
            Assert.True(attributes.ContainsKey(key), $"getfattr -d lists no {key}:\n{result.StandardOutput}");
        }
        var record = ControlFile.GetInstances(Workspace.Mountpoint)[name];
        Assert.Equal(subdriver, attributes["user.vdm.subdriver"]);
        Assert.Equal(record["device-number"], attributes["user.vdm.device-number"]);
        Assert.Equal(ExpectedSizes[name].ToString(CultureInfo.InvariantCulture), attributes["user.vdm.size"]);
        Assert.False(string.IsNullOrWhiteSpace(attributes["user.vdm.state"]), "user.vdm.state is empty");
    }

    [Fact]
    public void GetInstances_AfterStart_ListsConfiguredInstancesWithTheirFields()
    {
        var instances = ControlFile.GetInstances(Workspace.Mountpoint);

        Assert.Equal(["d0", "d1", "p0"], instances.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("physical", instances["d0"]["subdriver"]);
        Assert.Equal("partition", instances["p0"]["subdriver"]);
        foreach (var (name, record) in instances)
        {
            Assert.Equal(ExpectedSizes[name], long.Parse(record["size"], CultureInfo.InvariantCulture));
            Assert.Equal("1", record["exported"]);
            Assert.True(uint.TryParse(record["device-number"], CultureInfo.InvariantCulture, out _), $"device-number of {name}: {record["device-number"]}");
            Assert.True(int.TryParse(record["open"], CultureInfo.InvariantCulture, out int open) && open >= 0, $"open of {name}: {record["open"]}");
            _ = record["children"];
            _ = record["parents"];
        }
        Assert.Equal(3, instances.Values.Select(r => r["device-number"]).Distinct().Count());
        Assert.Contains("d0", instances["p0"]["children"], StringComparison.Ordinal);
        Assert.Contains("p0", instances["d0"]["parents"], StringComparison.Ordinal);
    }

    [Fact]
    public void Mount_Statfs_ReportsFuseSuperMagic()
    {
        Assert.Equal(0, Libc.TryGetFileSystemType(Workspace.Mountpoint, out long fsType));
        Assert.Equal(Libc.FuseSuperMagic, fsType);
        var stat = CommandRunner.Run("stat", "-f", "-c", "%t", Workspace.Mountpoint).EnsureSuccess();
        Assert.Equal("65735546", stat.StandardOutput.Trim());
    }

    [Fact]
    public void Mount_Df_ReportsNonNegativeFigures()
    {
        var df = CommandRunner.Run("df", "-B1", "--output=size,used,avail", Workspace.Mountpoint);
        Assert.True(df.Succeeded, df.ToString());
        var lines = df.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 2, df.ToString());
        var figures = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, figures.Count);
        Assert.All(figures, f => Assert.True(f >= 0, df.ToString()));
        Assert.True(figures[0] > 0, $"df reports a size of 0:\n{df}");
    }

    [Theory]
    [InlineData("dsk/p0")]
    [InlineData("rdsk/d1")]
    [InlineData("vdm")]
    [InlineData("dsk")]
    public void Stat_OnTreeEntries_Succeeds(string relative)
    {
        var stat = CommandRunner.Run("stat", Path.Combine(Workspace.Mountpoint, relative));
        Assert.True(stat.Succeeded, stat.ToString());
    }

    private static Dictionary<string, string> ParseGetfattr(string output)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || equals <= 0)
            {
                continue;
            }
            attributes[line[..equals]] = line[(equals + 1)..].Trim('"');
        }
        return attributes;
    }
}
