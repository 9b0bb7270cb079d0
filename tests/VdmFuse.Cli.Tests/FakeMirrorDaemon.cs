using System.Globalization;
using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary>
/// A mirror "m" (device 10) over images "a" (device 11), "b" (12) and "c" (13) answering in the contract's
/// text forms: get-attributes, the role packets of get-child-instance, and sync-images, terminate-sync,
/// throttle-sync and fracture-image changing the images' states. A sync moves only when <see cref="Advance"/>
/// is called (the test's sleep), a quarter of the image each time; a destination named in
/// <see cref="FailingDestinations"/> ends corrupt instead of usable.
/// </summary>
internal sealed class FakeMirrorDaemon
{
    public const long TotalBlocks = 131072;

    private readonly Dictionary<string, Image> _images = new(StringComparer.Ordinal)
    {
        ["a"] = new("a", 11, "usable"),
        ["b"] = new("b", 12, "corrupt"),
        ["c"] = new("c", 13, "corrupt"),
    };

    public FakeMirrorDaemon(string bState = "corrupt", string cState = "corrupt", string aState = "usable")
    {
        _images["a"].State = aState;
        _images["b"].State = bState;
        _images["c"].State = cState;
        Channel = new RecordingChannel(Answer);
    }

    public RecordingChannel Channel { get; }

    public HashSet<string> FailingDestinations { get; } = [];

    /// <summary>How many times the test's sleep moved the syncs on.</summary>
    public int Advances { get; private set; }

    public string StateOf(string image) => _images[image].State;

    /// <summary>Moves every running sync on by a quarter of the image; a sync that reaches the end finishes.</summary>
    public void Advance()
    {
        Advances++;
        foreach (var image in _images.Values.Where(i => i.State == "sync-destination"))
        {
            image.Block = Math.Min(TotalBlocks, image.Block + TotalBlocks / 4);
            if (image.Block == TotalBlocks)
            {
                image.State = FailingDestinations.Contains(image.Name) ? "corrupt" : "usable";
                image.Source = "-";
                image.Block = 0;
            }
        }
        foreach (var image in _images.Values)
        {
            image.IsSource = _images.Values.Any(i => i.State == "sync-destination" && i.Source == image.Name);
        }
    }

    private ControlReply Answer(ControlCommand command)
    {
        var name = command.GetOptional("name") ?? command.GetOptional("parent");
        if (command.Verb != "create-instance" && name is not ("m" or "10"))
        {
            return name is "a" or "11"
                ? command.Verb == "get-attributes"
                    ? ControlReply.Ok(("subdriver", "physical"), ("path", "/tmp/a.img"), ("size", "67108864"))
                    : ControlReply.Error(ControlErrno.EINVAL, $"{command.Verb}: physical instance 'a' is not a mirror")
                : ControlReply.Error(ControlErrno.ENOENT, $"{command.Verb}: no instance named '{name}'");
        }
        switch (command.Verb)
        {
            case "create-instance":
                return ControlReply.Ok(("device-number", "10"));
            case "get-attributes":
                return ControlReply.Ok(("subdriver", "mirror"), ("automatic-sync", "1"), ("sync-in-progress", _images.Values.Any(i => i.State == "sync-destination") ? "1" : "0"),
                    ("minimum-images-required-to-use", "2"), ("maximum-images-missing-to-use", "-1"), ("milliseconds-between-sync-io", "0"),
                    ("images", "a,b,c"), ("image-count", "3"), ("region-size", "8192"), ("dirty-regions", "0"));
            case "get-child-instance" when command.GetOptional("available") == "0":
                return ControlReply.Ok(("count", "3"));
            case "get-child-instance":
                var key = int.Parse(command.GetOptional("key") ?? "0", CultureInfo.InvariantCulture);
                return key < 3 ? Role(key, _images.Values.ElementAt(key)) : ControlReply.Error(ControlErrno.ENOENT, "get-child-instance: no more children");
            case "sync-images":
                var source = _images[command.Get("source")];
                foreach (var destination in command.Get("destinations").Split(','))
                {
                    var image = _images[destination];
                    if (image.State is not ("corrupt" or "fractured"))
                    {
                        return ControlReply.Error(ControlErrno.EINVAL, $"sync-images: image '{destination}' of mirror 'm' is {image.State}; only corrupt images can be sync destinations");
                    }
                    image.State = "sync-destination";
                    image.Source = source.Name;
                    image.Block = 0;
                }
                source.IsSource = true;
                return ControlReply.Ok(("total-blocks", TotalBlocks.ToString(CultureInfo.InvariantCulture)));
            case "terminate-sync":
                _images[command.Get("destination")].State = "corrupt";
                return ControlReply.Ok();
            case "fracture-image":
                _images[command.Get("image")].State = "fractured";
                _images[command.Get("image")].Granularity = command.GetOptional("change-granularity") ?? "0";
                return ControlReply.Ok();
            default:
                return ControlReply.Ok();
        }
    }

    private static ControlReply Role(int key, Image image)
    {
        var syncing = image.State == "sync-destination";
        return ControlReply.Ok(
            ("key", (key + 1).ToString(CultureInfo.InvariantCulture)), ("device-number-used", "1"), ("device-number", image.DeviceNumber.ToString(CultureInfo.InvariantCulture)),
            ("child-subdriver", "fault"), ("child", image.Name),
            ("corrupt", image.State is "corrupt" or "fractured" ? "1" : "0"), ("sync-source", image.IsSource ? "1" : "0"),
            ("sync-destination", syncing ? "1" : "0"), ("fractured", image.State == "fractured" ? "1" : "0"),
            ("sync-block", image.Block.ToString(CultureInfo.InvariantCulture)), ("change-granularity", image.State == "fractured" ? image.Granularity : "0"),
            ("source-image", syncing ? image.Source : "-"), ("state", image.State),
            ("sync-total-blocks", syncing ? TotalBlocks.ToString(CultureInfo.InvariantCulture) : "0"),
            ("sync-percent", syncing ? (image.Block * 100 / TotalBlocks).ToString(CultureInfo.InvariantCulture) : "0"),
            ("sync-rate-kib", syncing ? "20480" : "0"), ("changed-granules", image.State == "fractured" ? "7" : "0"));
    }

    private sealed class Image(string name, long deviceNumber, string state)
    {
        public string Name { get; } = name;

        public long DeviceNumber { get; } = deviceNumber;

        public string State { get; set; } = state;

        public string Source { get; set; } = "-";

        public long Block { get; set; }

        public bool IsSource { get; set; }

        public string Granularity { get; set; } = "0";
    }
}
