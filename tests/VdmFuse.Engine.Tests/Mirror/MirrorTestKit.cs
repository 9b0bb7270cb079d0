using VdmFuse.Engine.Mirror;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests.Mirror;

/// <summary>Helpers shared by the mirror tests: memory images, patterns, waiting for syncs.</summary>
internal static class MirrorTestKit
{
    public const int ImageSize = 4 * 1024 * 1024;

    public static MemoryDisk Image(string name, int size = ImageSize) => new(name, size);

    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static async Task WriteAsync(DiskInstance disk, long offset, byte[] data) => await disk.WriteAsync(offset, data);

    public static async Task<byte[]> ReadAsync(DiskInstance disk, long offset, int length)
    {
        var data = new byte[length];
        await disk.ReadAsync(offset, data);
        return data;
    }

    public static MirrorSettings Settings(short minimum = -1, short maximumMissing = -1, bool automatic = false, uint delay = 0) =>
        new(automatic, minimum, maximumMissing, delay);

    /// <summary>A mirror over the images, synchronised from the first so every image is usable.</summary>
    public static async Task<MirrorDisk> SyncedAsync(string name, MirrorSettings settings, IMirrorJournal? journal, params MemoryDisk[] images)
    {
        var mirror = new MirrorDisk(name, images, settings, journal);
        if (images.Length > 1)
        {
            var sync = mirror.StartSync(images[0].Name, [.. images.Skip(1).Select(i => i.Name)], 0);
            await sync.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        }
        return mirror;
    }
}
