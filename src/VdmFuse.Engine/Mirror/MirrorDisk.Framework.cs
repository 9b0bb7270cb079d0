using System.Globalization;
using VdmFuse.Native;

namespace VdmFuse.Engine.Mirror;

// The framework commands of vdmmirr(7): attributes, the role packet, link and unlink, the subdriver commands.
public sealed partial class MirrorDisk
{
    /// <summary>
    /// The get packet's fields (automatic-sync, sync-in-progress, minimum-images-required-to-use,
    /// maximum-images-missing-to-use, milliseconds-between-sync-io) and images, region-size, dirty-regions.
    /// </summary>
    public override IReadOnlyList<KeyValuePair<string, string>> Attributes
    {
        get
        {
            var images = Images;
            return
            [
                .. Settings.ToFields().Take(1),
                new("sync-in-progress", SyncInProgress ? "1" : "0"),
                .. Settings.ToFields().Skip(1),
                new("images", string.Join(',', images.Select(i => i.Name))),
                new("image-count", N(images.Count)),
                new("region-size", N(RegionBlocks)),
                new("dirty-regions", N(DirtyRegions)),
            ];
        }
    }

    /// <summary>
    /// The mirror's role packet for one image: corrupt, sync-source, sync-destination, fractured, sync-block,
    /// change-granularity, source-image; and state, sync-total-blocks, sync-percent, sync-rate-kib,
    /// changed-granules.
    /// </summary>
    public override IReadOnlyList<KeyValuePair<string, string>> ChildRole(ChildSlot child)
    {
        ArgumentNullException.ThrowIfNull(child);
        MirrorImage? image;
        lock (_stateLock)
        {
            image = child.Instance is { } instance
                ? _images.FirstOrDefault(i => i.Instance == instance)
                : _images.FirstOrDefault(i => !i.IsPresent && child.Id is { } id && id.Generation == i.DeviceNumber);
        }
        if (image is null)
        {
            return [];
        }
        var sync = image.Sync;
        return
        [
            new("corrupt", Flag(image.IsCorrupt || !image.IsPresent)),
            new("sync-source", Flag(image.IsSyncSource)),
            new("sync-destination", Flag(image.State == ImageState.SyncDestination)),
            new("fractured", Flag(image.State == ImageState.Fractured)),
            new("sync-block", N(sync?.CurrentBlock ?? 0)),
            new("change-granularity", N(image.State == ImageState.Fractured ? image.ChangeGranularity : 0)),
            new("source-image", sync is null ? "-" : sync.Source.Name),
            new("state", image.StateName),
            new("sync-total-blocks", N(sync?.TotalBlocks ?? 0)),
            new("sync-percent", N(sync?.Percent ?? 0)),
            new("sync-rate-kib", N(sync?.RateKibPerSecond ?? 0)),
            new("changed-granules", N(image.Changes?.MarkedCount ?? 0)),
        ];
    }

    /// <summary>
    /// Changes automatic-sync, minimum-images-required-to-use, maximum-images-missing-to-use and
    /// milliseconds-between-sync-io (the update packet); allowed while the mirror is open.
    /// </summary>
    /// <exception cref="ErrnoException">EINVAL: another attribute, or a value out of range.</exception>
    public override void UpdateAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        foreach (var key in attributes.Keys)
        {
            if (!MirrorSettings.Keys.Contains(key))
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"attribute '{key}' of {Description} cannot be updated (only {string.Join(", ", MirrorSettings.Keys)} can)");
            }
        }
        Volatile.Write(ref _settings, Settings.With(Name, attributes));
    }

    /// <summary>Adds an image, corrupt until a sync (link-child-instance).</summary>
    /// <exception cref="ErrnoException">EINVAL: already three images, smaller than the mirror, or with larger sectors.</exception>
    protected internal override void LinkChild(DiskInstance child, IReadOnlyDictionary<string, string> role)
    {
        ArgumentNullException.ThrowIfNull(child);
        lock (_stateLock)
        {
            if (_images.Count >= MaximumImages)
            {
                throw new ErrnoException(Errno.EINVAL, $"mirror '{Name}' already has {MaximumImages} images, the most a mirror holds");
            }
            if (child.Size < Size)
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"'{child.Name}' ({child.Size} bytes) is smaller than mirror '{Name}' ({Size} bytes) and cannot be one of its images");
            }
            if (child.SectorSize > SectorSize)
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"'{child.Name}' has {child.SectorSize}-byte sectors, larger than the {SectorSize}-byte sectors of mirror '{Name}'");
            }
            if (_images.Any(i => !i.IsPresent && i.Name == child.Name) )
            {
                // A missing image came back under its name: it rejoins as corrupt (it missed writes).
                var returning = _images.First(i => !i.IsPresent && i.Name == child.Name);
                returning.Instance = child;
                returning.DeviceNumber = child.DeviceNumber;
                returning.State = ImageState.Corrupt;
                returning.Changes = null;
            }
            else
            {
                _images.Add(new MirrorImage(child.Name, child, ImageState.Corrupt));
            }
            AttachChild(child);
        }
        SaveJournalNow();
        Log.Info("mirror '{0}': image '{1}' added, corrupt until synchronised", Name, child.Name);
    }

    /// <summary>Removes an image (unlink-child-instance); a fractured image's change tracking ends with it.</summary>
    /// <exception cref="ErrnoException">
    /// EINVAL: the last image; EBUSY: the last usable image of an open mirror, or an image a sync uses.
    /// </exception>
    protected internal override void UnlinkChild(DiskInstance child)
    {
        ArgumentNullException.ThrowIfNull(child);
        MirrorImage image;
        lock (_stateLock)
        {
            image = _images.First(i => i.Instance == child);
            if (_images.Count == 1)
            {
                throw new ErrnoException(Errno.EINVAL, $"'{child.Name}' is the last image of mirror '{Name}'; a mirror must have one (delete the mirror instead)");
            }
            if (image.IsSyncSource || image.State == ImageState.SyncDestination)
            {
                throw new ErrnoException(Errno.EBUSY,
                    $"image '{child.Name}' of mirror '{Name}' is the {(image.IsSyncSource ? "source" : "destination")} of a running sync; terminate the sync first");
            }
            if (OpenCount > 0 && image.State == ImageState.Usable && image.IsPresent
                && _images.Count(i => i.IsPresent && i.State == ImageState.Usable) == 1)
            {
                throw new ErrnoException(Errno.EBUSY,
                    $"image '{child.Name}' is the last usable image of mirror '{Name}', which is open");
            }
            _images.Remove(image);
            image.Changes = null;
            RefreshReadableLocked();
            DetachChild(child);
        }
        SaveJournalNow();
        Log.Info("mirror '{0}': image '{1}' removed{2}", Name, child.Name,
            image.State == ImageState.Fractured ? " (its change tracking ends)" : "");
    }

    /// <summary>
    /// The mirror's commands: sync-images (source, destinations, milliseconds-between-sync-io),
    /// terminate-sync (destination), throttle-sync (destination, milliseconds-between-sync-io),
    /// fracture-image (image, change-granularity).
    /// </summary>
    public override IReadOnlyList<KeyValuePair<string, string>> ExecuteSubdriverCommand(string command, IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        switch (command)
        {
            case "sync-images":
            {
                CheckFields(command, fields, "source", "destinations", "milliseconds-between-sync-io");
                var destinations = Required(command, fields, "destinations").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var delay = fields.TryGetValue("milliseconds-between-sync-io", out var text)
                    ? MirrorSettings.ParseDelay(Name, "milliseconds-between-sync-io", text) : 0;
                var sync = StartSync(Required(command, fields, "source"), destinations, delay, automatic: false);
                return [new("total-blocks", N(sync.TotalBlocks))];
            }
            case "terminate-sync":
                CheckFields(command, fields, "destination");
                TerminateSync(Required(command, fields, "destination"));
                return [];
            case "throttle-sync":
            {
                CheckFields(command, fields, "destination", "milliseconds-between-sync-io");
                var delay = MirrorSettings.ParseDelay(Name, "milliseconds-between-sync-io", Required(command, fields, "milliseconds-between-sync-io"));
                ThrottleSync(Required(command, fields, "destination"), delay);
                return [];
            }
            case "fracture-image":
            {
                CheckFields(command, fields, "image", "change-granularity");
                var granularity = fields.TryGetValue("change-granularity", out var text) ? ParseNumber("change-granularity", text) : 0;
                FractureImage(Required(command, fields, "image"), granularity);
                return [];
            }
            default:
                return base.ExecuteSubdriverCommand(command, fields);
        }
    }

    /// <inheritdoc/>
    protected internal override void CheckDeletable()
    {
        lock (_stateLock)
        {
            if (_syncs.Count > 0)
            {
                throw new ErrnoException(Errno.EBUSY, $"cannot delete mirror '{Name}': a sync is running (terminate it first)");
            }
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _cleaner?.Dispose();
            Volatile.Read(ref _background).Wait(TimeSpan.FromSeconds(10));
            MirrorSync[] running;
            lock (_stateLock)
            {
                running = [.. _syncs];
                foreach (var sync in running)
                {
                    foreach (var destination in sync.Destinations)
                    {
                        sync.Remove(destination);
                    }
                }
            }
            foreach (var sync in running)
            {
                sync.Completion.Wait(TimeSpan.FromSeconds(5));
            }
            if (_dirty is not null && _ranges.HeldCount == 0 && OpenCount == 0)
            {
                // The daemon stops cleanly: the images are identical again.
                try
                {
                    _dirty.Persisted.Wait(TimeSpan.FromSeconds(10));
                    _dirty.ClearIdleAsync(TimeSpan.Zero).Wait(TimeSpan.FromSeconds(10));
                    _dirty.Persisted.Wait(TimeSpan.FromSeconds(10));
                }
                catch (AggregateException e)
                {
                    Log.Error(e.InnerException, "mirror '{0}': cannot mark the images identical at close: {1}", Name, e.InnerException?.Message);
                }
            }
            foreach (var image in Images)
            {
                image.Instance?.DetachParent(this);
            }
        }
        base.Dispose(disposing);
    }

    private void CheckFields(string command, IReadOnlyDictionary<string, string> fields, params string[] allowed)
    {
        foreach (var key in fields.Keys)
        {
            if (!allowed.Contains(key))
            {
                throw new ErrnoException(Errno.EINVAL, $"mirror command '{command}' of '{Name}' takes no field '{key}' (it takes {string.Join(", ", allowed)})");
            }
        }
    }

    private string Required(string command, IReadOnlyDictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var value) && value.Length > 0
            ? value
            : throw new ErrnoException(Errno.EINVAL, $"mirror command '{command}' of '{Name}' needs the field '{key}'");

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Flag(bool value) => value ? "1" : "0";
}
