using VdmFuse.Engine.Mirror;
using VdmFuse.Engine.Remap;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests.Remap;

/// <summary>A mirror whose first image is a remapped partition: a read error there is repaired, never seen.</summary>
public sealed class RemapUnderMirrorTests
{
    [Fact]
    public async Task ReadErrorOnARemappedImage_MirrorRepairsItAndTheRemapMapsTheBlock()
    {
        using var rig = new RemapRig();
        using var other = new MemoryDisk("other", (int)RemapRig.DataBlocks * 512);
        using var mirror = new MirrorDisk("m", [rig.Data, other], new MirrorSettings(false, -1, -1, 0));
        var sync = mirror.StartSync("p0", ["other"], 0);
        await sync.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        var data = RemapRig.Pattern(64 * 512, 11);
        await mirror.WriteAsync(0, data);
        var bad = RemapRig.DataStart + 33;
        rig.Break(bad);

        var back = new byte[data.Length];
        for (var i = 0; i < 4; i++)
        {
            // Reads alternate between the images: some of them hit the bad block on p0.
            await mirror.ReadAsync(0, back);
            Assert.Equal(data, back);
        }

        Assert.Equal(new RemapEntry(bad, 0, RemapEntryState.Mapped), Assert.Single(rig.Remap.Entries));
        Assert.Equal(data.AsSpan(33 * 512, 512).ToArray(), rig.OnDisk(RemapRig.AreaStart));
        Assert.All(mirror.Images, image => Assert.Equal(ImageState.Usable, image.State));
        var direct = new byte[data.Length];
        await rig.Data.ReadAsync(0, direct);
        Assert.Equal(data, direct);
    }
}
