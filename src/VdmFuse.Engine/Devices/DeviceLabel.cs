using System.Text.Json;
using System.Text.Json.Serialization;

namespace VdmFuse.Engine.Devices;

/// <summary>One volume in a device's volume table: a window of 512-byte blocks after the label region.</summary>
/// <param name="Lvid">The logical volume id: unique on the device and never reused.</param>
/// <param name="Name">The volume's instance name.</param>
/// <param name="QuotaKb">The volume's quota in KB (its size).</param>
/// <param name="StartBlock">First 512-byte block of the volume on the device.</param>
/// <param name="SizeBlocks">Length of the volume in 512-byte blocks.</param>
public sealed record DeviceVolume(
    [property: JsonPropertyName("lvid")] ulong Lvid,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("quotaKb")] long QuotaKb,
    [property: JsonPropertyName("startBlock")] long StartBlock,
    [property: JsonPropertyName("sizeBlocks")] long SizeBlocks);

/// <summary>The label at the start of a device: its id, its quota and its volume table.</summary>
/// <param name="DeviceId">The device's unique id, chosen when it is formatted.</param>
/// <param name="QuotaKb">The device's quota in KB: the most the volumes' quotas may add up to.</param>
/// <param name="NextLvid">The lvid the next volume gets (lvids are never reused).</param>
/// <param name="Volumes">The volumes, in lvid order.</param>
public sealed record DeviceLabel(
    [property: JsonPropertyName("deviceId")] Guid DeviceId,
    [property: JsonPropertyName("quotaKb")] long QuotaKb,
    [property: JsonPropertyName("nextLvid")] ulong NextLvid,
    [property: JsonPropertyName("volumes")] IReadOnlyList<DeviceVolume> Volumes)
{
    /// <summary>The sum of the volumes' quotas in KB.</summary>
    [JsonIgnore]
    public long UsedKb => Volumes.Sum(v => v.QuotaKb);

    /// <summary>The label as the JSON payload of its record.</summary>
    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this);

    /// <summary>Reads a label from its JSON payload; null when the payload is not a label.</summary>
    public static DeviceLabel? Deserialize(ReadOnlySpan<byte> payload)
    {
        try
        {
            return JsonSerializer.Deserialize<DeviceLabel>(payload);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
