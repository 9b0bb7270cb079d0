using System.Globalization;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>
/// A stream of configuration changes for crash tests: <c>create-instance persistent=1</c> and <c>delete-instance</c> on
/// a few small image files, with the state the daemon acknowledged (instance name to device number) kept as a model.
/// </summary>
public sealed class PersistentWorkload
{
    private readonly Random _random;
    private readonly string[] _images;
    private readonly string _prefix;
    private int _nextName;

    /// <summary>Creates <paramref name="imageCount"/> sparse 1 MiB images under <paramref name="directory"/>.</summary>
    public PersistentWorkload(string directory, int imageCount, int seed)
    {
        _random = new Random(seed);
        _prefix = string.Create(CultureInfo.InvariantCulture, $"s{seed}c");
        _images = Enumerable.Range(0, imageCount).Select(i => Path.Combine(directory, $"w{i}.img")).ToArray();
        foreach (var image in _images)
        {
            using var file = File.Create(image);
            file.SetLength(TestData.MiB);
        }
    }

    /// <summary>The random source the test draws its delays from as well, so that a seed replays a run.</summary>
    public Random Random => _random;

    /// <summary>The acknowledged state: instance name to device number (-1 when not yet learnt), and to its image.</summary>
    public SortedDictionary<string, (long DeviceNumber, string Image)> Acknowledged { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Adds an instance the test created outside the stream (it stays in every state).</summary>
    public void AddFixed(string name, long deviceNumber, string image) => Acknowledged[name] = (deviceNumber, image);

    /// <summary>The next change, and the state it leads to when it lands.</summary>
    public (string Command, SortedDictionary<string, (long DeviceNumber, string Image)> After) Next()
    {
        string image = _images[_random.Next(_images.Length)];
        var after = new SortedDictionary<string, (long, string)>(Acknowledged, StringComparer.Ordinal);
        var user = Acknowledged.FirstOrDefault(entry => entry.Value.Image == image);
        if (user.Key is not null)
        {
            after.Remove(user.Key);
            return ($"delete-instance name={user.Key}", after);
        }
        string name = _prefix + (_nextName++).ToString(CultureInfo.InvariantCulture);
        after[name] = (-1, image);
        return ($"create-instance subdriver=physical name={name} path={image} persistent=1", after);
    }

    /// <summary>Records that a change landed; a create's device number comes from its reply (or later from get-instances).</summary>
    public void Commit(SortedDictionary<string, (long DeviceNumber, string Image)> after, string? createdName = null, long deviceNumber = -1)
    {
        if (createdName is not null && after.TryGetValue(createdName, out var entry))
        {
            after[createdName] = (deviceNumber, entry.Image);
        }
        Acknowledged = after;
    }

    /// <summary>Whether the daemon's instances (name to device number) are <paramref name="state"/>; unknown device numbers match any.</summary>
    public static bool Matches(IReadOnlyDictionary<string, long> actual, SortedDictionary<string, (long DeviceNumber, string Image)> state) =>
        actual.Count == state.Count
        && state.All(entry => actual.TryGetValue(entry.Key, out long number) && (entry.Value.DeviceNumber < 0 || entry.Value.DeviceNumber == number));

    /// <summary>A state as text for failure messages.</summary>
    public static string Describe(IEnumerable<KeyValuePair<string, long>> state) =>
        "{" + string.Join(", ", state.Select(entry => $"{entry.Key}:{entry.Value}")) + "}";

    /// <summary>A model state as text for failure messages.</summary>
    public static string Describe(SortedDictionary<string, (long DeviceNumber, string Image)> state) =>
        Describe(state.Select(entry => KeyValuePair.Create(entry.Key, entry.Value.DeviceNumber)));
}
