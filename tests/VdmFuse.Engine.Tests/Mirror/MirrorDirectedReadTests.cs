using VdmFuse.Engine.Dkio;
using VdmFuse.Engine.Mirror;
using VdmFuse.Native;
using VdmFuse.Testing;
using static VdmFuse.Engine.Tests.Mirror.MirrorTestKit;

namespace VdmFuse.Engine.Tests.Mirror;

public sealed class MirrorDirectedReadTests
{
    private const int Next = DkDirectedRead.NextSide;
    private const int Init = DkDirectedRead.SideInit;

    [Fact]
    public async Task DirectedRead_TwoImages_EachSideItsOwnDataThenDone()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        mirror.SetVolumeCapabilities(false, true);
        // The sides differ behind the mirror's back, as after a torn write: each side must show its own data.
        await WriteAsync(a, 0xf000, Pattern(8192, 1));
        await WriteAsync(b, 0xf000, Pattern(8192, 2));
        var onA = Pattern(8192, 1)[0xf00..0x1300];
        var onB = Pattern(8192, 2)[0xf00..0x1300];
        var data = new byte[1024];

        var first = mirror.DirectedRead(Next, Init, 0xff00, data);
        Assert.Equal(new DkDirectedRead(DkDirectedRead.Success, 0, "a", 1024), first);
        Assert.Equal(onA, data);

        var second = mirror.DirectedRead(first.Flags, first.Side, 0xff00, data);
        Assert.Equal(new DkDirectedRead(DkDirectedRead.Success, 1, "b", 1024), second);
        Assert.Equal(onB, data);

        var done = mirror.DirectedRead(second.Flags, second.Side, 0xff00, data);
        Assert.Equal(DkDirectedRead.Done, done.Flags);
        Assert.Equal(1, done.Side);
        Assert.Equal(0, done.BytesRead);
    }

    [Fact]
    public async Task DirectedRead_ThreeImagesOneCorrupt_CorruptSideSkipped()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var c = Image("c");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b, c);
        b.FailWrite = (_, _) => true;
        await mirror.WriteAsync(4096, Pattern(4096, 1));
        Assert.Equal(ImageState.Corrupt, mirror.FindImage("b").State);
        mirror.SetVolumeCapabilities(false, true);
        var data = new byte[512];

        var sides = new List<DkDirectedRead>();
        var step = mirror.DirectedRead(Next, Init, 4096, data);
        while (step.Flags == DkDirectedRead.Success)
        {
            Assert.Equal(Pattern(4096, 1)[..512], data);
            sides.Add(step);
            step = mirror.DirectedRead(Next, step.Side, 4096, data);
        }

        Assert.Equal(new[] { (0, "a"), (2, "c") }, sides.Select(s => (s.Side, s.SideName)));
        Assert.Equal(DkDirectedRead.Done, step.Flags);
        Assert.Equal(2, step.Side);
    }

    [Fact]
    public async Task DirectedRead_FracturedImage_Skipped()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var c = Image("c");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b, c);
        mirror.FractureImage("a", 0);
        mirror.SetVolumeCapabilities(false, true);
        var data = new byte[512];

        var first = mirror.DirectedRead(Next, Init, 0, data);
        var second = mirror.DirectedRead(Next, first.Side, 0, data);
        var done = mirror.DirectedRead(Next, second.Side, 0, data);

        Assert.Equal((1, "b"), (first.Side, first.SideName));
        Assert.Equal((2, "c"), (second.Side, second.SideName));
        Assert.Equal((DkDirectedRead.Done, 2), (done.Flags, done.Side));
    }

    [Fact]
    public void DirectedRead_NoUsableImage_ErrorWithSideInit()
    {
        using var a = Image("a");
        using var b = Image("b");
        // A new mirror of two images: both corrupt until a sync.
        using var mirror = new MirrorDisk("m", [a, b], MirrorSettings.Default);
        mirror.SetVolumeCapabilities(false, true);

        var step = mirror.DirectedRead(Next, Init, 0, new byte[512]);

        Assert.Equal(new DkDirectedRead(DkDirectedRead.Error, Init, "", 0), step);
    }

    [Fact]
    public async Task DirectedRead_PastTheEnd_ShortWithTheBytesThatExist()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        await mirror.WriteAsync(ImageSize - 4096, Pattern(4096, 3));
        mirror.SetVolumeCapabilities(false, true);
        var data = new byte[4096];

        var step = mirror.DirectedRead(Next, Init, ImageSize - 1000, data);

        Assert.Equal(new DkDirectedRead(DkDirectedRead.Short, 0, "a", 1000), step);
        Assert.Equal(Pattern(4096, 3)[^1000..], data[..1000]);
        var second = mirror.DirectedRead(Next, step.Side, ImageSize - 1000, data);
        Assert.Equal(new DkDirectedRead(DkDirectedRead.Short, 1, "b", 1000), second);
    }

    [Fact]
    public async Task DirectedRead_UnalignedOffsetAndLength_ExactBytes()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        var pattern = Pattern(16384, 4);
        await mirror.WriteAsync(0, pattern);
        mirror.SetVolumeCapabilities(false, true);
        var data = new byte[DkDirectedRead.MaxData];

        var step = mirror.DirectedRead(Next, Init, 1001, data);

        Assert.Equal(new DkDirectedRead(DkDirectedRead.Success, 0, "a", DkDirectedRead.MaxData), step);
        Assert.Equal(pattern.AsSpan(1001, DkDirectedRead.MaxData).ToArray(), data);
        var small = new byte[3];
        mirror.DirectedRead(Next, Init, 513, small);
        Assert.Equal(pattern.AsSpan(513, 3).ToArray(), small);
    }

    [Fact]
    public async Task DirectedRead_NotEnabled_EinvalNamingTheMirror()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);

        var e = Assert.Throws<ErrnoException>(() => mirror.DirectedRead(Next, Init, 0, new byte[512]));

        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Contains("directed reads are not enabled on mirror 'm'", e.Message);
        mirror.SetVolumeCapabilities(false, true);
        mirror.SetVolumeCapabilities(false, false);
        Assert.Equal(Errno.EINVAL, Assert.Throws<ErrnoException>(() => mirror.DirectedRead(Next, Init, 0, new byte[512])).Errno);
    }

    [Theory]
    [InlineData(0, 0L, "1 to 8192 bytes, not 0")]
    [InlineData(DkDirectedRead.MaxData + 1, 0L, "1 to 8192 bytes, not 8193")]
    [InlineData(512, -1L, "offset -1 is outside mirror 'm'")]
    [InlineData(512, (long)ImageSize, "offset 4194304 is outside mirror 'm'")]
    [InlineData(512, (long)ImageSize + 512, "is outside mirror 'm'")]
    public async Task DirectedRead_BadLengthOrOffset_Einval(int length, long offset, string message)
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        mirror.SetVolumeCapabilities(false, true);

        var e = Assert.Throws<ErrnoException>(() => mirror.DirectedRead(Next, Init, offset, new byte[length]));

        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Contains(message, e.Message);
        Assert.Contains("mirror 'm'", e.Message);
    }

    [Fact]
    public async Task DirectedRead_SideBelowInit_Einval()
    {
        using var a = Image("a");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a);
        mirror.SetVolumeCapabilities(false, true);

        var e = Assert.Throws<ErrnoException>(() => mirror.DirectedRead(Next, -2, 0, new byte[512]));

        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Contains("side -2", e.Message);
    }

    [Fact]
    public async Task DirectedRead_SideReadFails_EioNamingMirrorImageAndOffset_ImageStaysUsable()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        mirror.SetVolumeCapabilities(false, true);
        b.FailRead = (offset, length) => offset < 8192 + 512 && 8192 < offset + length;
        var data = new byte[1024];
        var first = mirror.DirectedRead(Next, Init, 8192, data);
        Assert.Equal(DkDirectedRead.Success, first.Flags);

        var e = Assert.Throws<ErrnoException>(() => mirror.DirectedRead(Next, first.Side, 8192, data));

        Assert.Equal(Errno.EIO, e.Errno);
        Assert.Contains("mirror 'm'", e.Message);
        Assert.Contains("image 'b'", e.Message);
        Assert.Contains("offset 8192", e.Message);
        Assert.Equal(ImageState.Usable, mirror.FindImage("b").State);
    }

    [Fact]
    public async Task DirectedRead_DoesNotGoThroughTheMirrorReadPath_MirrorReadCountUnchanged()
    {
        using var a = Image("a");
        using var b = Image("b");
        using var mirror = await SyncedAsync("m", MirrorSettings.Default, null, a, b);
        mirror.SetVolumeCapabilities(false, true);
        var mirrorReads = mirror.Statistics.Reads;
        var imageReads = b.Statistics.Reads;

        mirror.DirectedRead(Next, 0, 0, new byte[512]);

        Assert.Equal(mirrorReads, mirror.Statistics.Reads);
        Assert.Equal(imageReads + 1, b.Statistics.Reads);
    }
}
