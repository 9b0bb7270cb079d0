using VdmFuse.Engine.Metadata;

namespace VdmFuse.Engine.Tests.Metadata;

/// <summary>Configurations and byte surgery shared by the metadata tests.</summary>
internal static class MetadataTestKit
{
    public static ConfigInstanceRecord Physical(string name, uint number, string path)
        => new(name, "physical", number, true, new Dictionary<string, string> { ["path"] = path }, []);

    public static ConfigInstanceRecord Partition(string name, uint number, string child, long start, long size)
        => new(name, "partition", number, true,
            new Dictionary<string, string> { ["start"] = start.ToString(), ["size"] = size.ToString() }, [child]);

    /// <summary>A configuration with one more physical instance than <paramref name="state"/>.</summary>
    public static ConfigState AddDisk(ConfigState state)
    {
        var number = state.NextDeviceNumber;
        return state.WithInstance(Physical($"d{number}", number, $"/images/d{number}.img")) with { NextDeviceNumber = number + 1 };
    }

    public static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x5A));
    }

    public static void WriteBytes(string path, long offset, ReadOnlySpan<byte> bytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        stream.Write(bytes);
    }

    public static byte[] ReadBytes(string path, long offset, int count)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
        stream.Position = offset;
        var bytes = new byte[count];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
