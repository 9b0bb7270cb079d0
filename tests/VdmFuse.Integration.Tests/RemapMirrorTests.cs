using System.Diagnostics;
using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;

namespace VdmFuse.Integration.Tests;

/// <summary>
/// Bad-block remapping under a mirror: mirror m over the remapped partition p0 (disk d, through the fault instance f)
/// and q0 of a second disk. A read error on p0 is not data loss: the mirror reads the block from q0 and writes it
/// back, the remap instance maps it, and the application never sees the error.
/// </summary>
public sealed class RemapMirrorTests : IDisposable
{
    private const int Block = RemapRig.Block;

    private readonly RemapRig _rig = new(secondDisk: true);

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void MirrorRead_ReadErrorOnTheRemappedImage_NeverFailsAndTheBlockIsMapped()
    {
        _rig.CreateRemap();
        _rig.Send("create-instance subdriver=mirror name=m images=p0,q0");
        _rig.Send("sync-images name=m source=p0 destinations=q0");
        WaitForSyncEnd();
        byte[] expected = _rig.ImageAt(5000, 2 * Block);

        // Block 5000: a read error only (the rewrite could land on the block); block 5001: read and write errors.
        _rig.Fault("read", 5000);
        ReadUntilMapped(5000, expected);
        _rig.Fault("both", 5001);
        ReadUntilMapped(5001, expected);

        _rig.AssertTable((5000, 0, "mapped"), (5001, 1, "mapped"));
        _rig.AssertLogLine("mirror 'm': read error on image 'p0'", "corrected");
        foreach (var image in new[] { "p0", "q0" })
        {
            Assert.Equal("usable", Role(image)["state"]);
        }
        using (var buffered = new FileStream(_rig.Workspace.Dsk("m"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1))
        {
            var data = new byte[2 * Block];
            buffered.Position = (5000 - RemapRig.DataStart) * Block;
            buffered.ReadExactly(data);
            AssertBytes.Equal(expected, data, "blocks 5000-5001 through dsk/m");
        }
        AssertBytes.Equal(expected, _rig.AreaBlockInImage(0).Concat(_rig.AreaBlockInImage(1)).ToArray(), "the remap area holds both blocks");
        using var p0 = _rig.OpenRaw("p0");
        using var q0 = _rig.OpenRaw("q0");
        AssertBytes.Equal(q0.ReadBytes(0, 4 << 20), p0.ReadBytes(0, 4 << 20), "p0 (remapped) against q0: the images are identical");
    }

    /// <summary>Reads the block through rdsk/m (reads alternate between the images) until it is mapped; every read returns the data.</summary>
    private void ReadUntilMapped(long diskBlock, byte[] expected)
    {
        using var mirror = PosixFile.Open(_rig.Workspace.Rdsk("m"), Libc.O_RDONLY);
        for (int i = 0; i < 20; i++)
        {
            AssertBytes.Equal(expected, mirror.ReadBytes((5000 - RemapRig.DataStart) * Block, expected.Length), $"read {i} of blocks 5000-5001 through rdsk/m");
            if (_rig.List().Any(e => e.BadBlock == diskBlock && e.Status == "mapped"))
            {
                return;
            }
        }
        Assert.Fail($"block {diskBlock} was not mapped after 20 reads through the mirror: [{string.Join(", ", _rig.List())}]\n{_rig.DaemonLog}");
    }

    private IReadOnlyDictionary<string, string> Role(string image)
    {
        for (int key = 0; key < 2; key++)
        {
            var role = _rig.Send(RemapRig.Invariant($"get-child-instance parent=m available=1 key={key}")).Fields;
            if (role["child"] == image)
            {
                return role;
            }
        }
        throw new KeyNotFoundException($"mirror m has no image {image}");
    }

    private void WaitForSyncEnd()
    {
        var clock = Stopwatch.StartNew();
        while (_rig.Send("get-attributes name=m").Fields["sync-in-progress"] == "1")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the sync of m did not end\n{_rig.DaemonLog}");
            Thread.Sleep(50);
        }
    }
}
