using System.Text.Json;
using System.Text.Json.Serialization;
using VdmFuse.Native;

namespace VdmFuse.Engine.Metadata;

/// <summary>
/// The configuration's payload format: compact JSON <c>{ nextDeviceNumber, instances: [ { name, subdriver,
/// deviceNumber, exported, attributes {k:v}, children [names] } ], devices: [ { path, deviceId, deviceNumber,
/// volumes: [ { lvid, deviceNumber } ] } ] }</c>, attributes sorted by key so equal configurations give equal bytes.
/// A payload without <c>devices</c> (written before devices were recorded) has none.
/// </summary>
public static class ConfigSerializer
{
    /// <summary>The JSON bytes of <paramref name="state"/>.</summary>
    public static byte[] Serialize(ConfigState state)
    {
        var normal = state with
        {
            Instances = [.. state.Instances.Select(i => i with
            {
                Attributes = new SortedDictionary<string, string>(i.Attributes.ToDictionary(), StringComparer.Ordinal),
            })],
        };
        return JsonSerializer.SerializeToUtf8Bytes(normal, ConfigJsonContext.Default.ConfigState);
    }

    /// <summary>Parses a payload; an empty payload (a just-initialised copy) is <see cref="ConfigState.Empty"/>.</summary>
    /// <exception cref="ErrnoException">EINVAL: the payload is not a configuration.</exception>
    public static ConfigState Deserialize(ReadOnlySpan<byte> payload, RecordLocation? source = null)
    {
        if (payload.IsEmpty)
        {
            return ConfigState.Empty;
        }
        try
        {
            var state = JsonSerializer.Deserialize(payload, ConfigJsonContext.Default.ConfigState)
                ?? throw new JsonException("null configuration");
            if (state.Instances is null || state.Instances.Any(i => i is null || i.Name is null || i.Subdriver is null || i.Attributes is null || i.Children is null))
            {
                throw new JsonException("an instance lacks a name, subdriver, attributes or children");
            }
            if (state.Devices is null)
            {
                return state with { Devices = [] };
            }
            if (state.Devices.Any(d => d is null || d.Path is null || d.Volumes is null || d.Volumes.Any(v => v is null)))
            {
                throw new JsonException("a device lacks a path or volumes");
            }
            return state;
        }
        catch (JsonException e)
        {
            throw new ErrnoException(Errno.EINVAL, $"configuration copy {source?.ToString() ?? "payload"} is not a valid configuration: {e.Message}", e);
        }
    }
}

/// <summary>Source-generated JSON metadata for the configuration (trimming-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ConfigState))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
