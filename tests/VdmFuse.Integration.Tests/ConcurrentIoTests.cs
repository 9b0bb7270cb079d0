using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;
using static VdmFuse.Integration.Tests.Infrastructure.MultiDiskFixture;
using static VdmFuse.Integration.Tests.Infrastructure.TestData;

namespace VdmFuse.Integration.Tests;

/// <summary>Several processes reading and writing different instances at once, and fio's own verification.</summary>
public sealed class ConcurrentIoTests : IClassFixture<MultiDiskFixture>
{
    private const int RegionMiB = 8;

    /// <summary>The instances under load, the image behind each and the instance's offset in that image.</summary>
    private static readonly (string Name, int Disk, long ImageOffset)[] Targets =
    [
        ("p0", 0, PartitionStartBlock * 512),
        ("d1", 1, 0),
        ("p2", 2, PartitionStartBlock * 512),
        ("d3", 3, 0),
    ];

    private readonly MultiDiskFixture _fixture;

    public ConcurrentIoTests(MultiDiskFixture fixture) => _fixture = fixture;

    private DaemonWorkspace Workspace => _fixture.Workspace;

    [Fact]
    public async Task SeveralProcesses_ReadAndWriteDifferentInstancesAtOnce_AllDataVerifies()
    {
        // Region A (0..8 MiB) of each target is written first and read back concurrently; region B (8..16 MiB) is
        // written concurrently. Even targets are written raw and read buffered, odd ones the other way round.
        var regionA = new string[Targets.Length];
        var regionB = new string[Targets.Length];
        var readBack = new string[Targets.Length];
        for (int i = 0; i < Targets.Length; i++)
        {
            regionA[i] = Workspace.PathOf($"concurrent-a{i}.bin");
            regionB[i] = Workspace.PathOf($"concurrent-b{i}.bin");
            readBack[i] = Workspace.PathOf($"concurrent-read{i}.bin");
            File.WriteAllBytes(regionA[i], Random(RegionMiB * MiB));
            File.WriteAllBytes(regionB[i], Random(RegionMiB * MiB));
            SystemTools.Dd($"if={regionA[i]}", $"of={Workspace.Rdsk(Targets[i].Name)}", "bs=1M", "oflag=direct", "conv=notrunc");
        }

        var processes = new List<Task<CommandResult>>();
        for (int i = 0; i < Targets.Length; i++)
        {
            string name = Targets[i].Name;
            string[] writer = i % 2 == 0
                ? [$"if={regionB[i]}", $"of={Workspace.Rdsk(name)}", "bs=1M", $"seek={RegionMiB}", "oflag=direct", "conv=notrunc"]
                : [$"if={regionB[i]}", $"of={Workspace.Dsk(name)}", "bs=1M", $"seek={RegionMiB}", "conv=notrunc,fsync"];
            string[] reader = i % 2 == 0
                ? [$"if={Workspace.Dsk(name)}", $"of={readBack[i]}", "bs=1M", $"count={RegionMiB}"]
                : [$"if={Workspace.Rdsk(name)}", $"of={readBack[i]}", "bs=1M", $"count={RegionMiB}", "iflag=direct"];
            processes.Add(CommandRunner.RunAsync("dd", writer, CommandRunner.DefaultTimeout));
            processes.Add(CommandRunner.RunAsync("dd", reader, CommandRunner.DefaultTimeout));
        }
        var results = await Task.WhenAll(processes);

        Assert.All(results, result => Assert.True(result.Succeeded, result.ToString()));
        for (int i = 0; i < Targets.Length; i++)
        {
            var (name, disk, imageOffset) = Targets[i];
            AssertBytes.Equal(File.ReadAllBytes(regionA[i]), File.ReadAllBytes(readBack[i]), $"{name}: region A read during the writes");
            byte[] expectedB = File.ReadAllBytes(regionB[i]);
            using var raw = PosixFile.Open(Workspace.Rdsk(name), Libc.O_RDONLY);
            AssertBytes.Equal(expectedB, raw.ReadBytes((long)RegionMiB * MiB, RegionMiB * MiB), $"{name}: region B through rdsk");
            AssertBytes.Equal(expectedB, ReadFileRange(_fixture.ImageOf(disk), imageOffset + (long)RegionMiB * MiB, RegionMiB * MiB),
                $"{name}: region B in disk{disk}.img");
        }
    }

    [Fact]
    public async Task Fio_RandomWritesWithCrc32cVerify_ExitsZeroWithoutVerifyErrors()
    {
        var fio = await CommandRunner.RunAsync("fio",
        [
            "--name=v", $"--filename={Workspace.Rdsk("d4")}", "--rw=randwrite", "--bs=4k", "--iodepth=16",
            "--ioengine=libaio", "--direct=1", "--size=32M", "--verify=crc32c", "--do_verify=1",
        ], TimeSpan.FromSeconds(120));

        Assert.True(fio.Succeeded, fio.ToString());
        Assert.Contains("err= 0", fio.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("verify:", fio.StandardError, StringComparison.Ordinal);
    }
}
