using VdmFuse.Native;

namespace VdmFuse.Engine.Mirror;

/// <summary>
/// The mirror subdriver (vdmmirr(7)): up to three images holding the same blocks. Reads are spread over the
/// usable images and retried on another when one fails; writes go to every usable image and every sync
/// destination in parallel. Images are synchronised by <see cref="StartSync"/>, fractured with change tracking,
/// and (for a persistent mirror, one with a <see cref="IMirrorJournal"/>) their states, change maps and dirty
/// regions survive a crash.
/// </summary>
/// <remarks>
/// Thread-safe. State changes happen under one lock and are saved to the journal before the I/O that caused
/// them is acknowledged. Control commands never wait for I/O (the FUSE loop that completes it may be the
/// caller): syncs run in the background.
/// </remarks>
public sealed partial class MirrorDisk : DiskInstance
{
    /// <summary>The most images a mirror holds.</summary>
    public const int MaximumImages = 3;

    /// <summary>The default dirty-region size: 8192 blocks (4 MiB).</summary>
    public const long DefaultRegionBlocks = 8192;

    private const int BlockSize = 512;
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    private readonly Lock _stateLock = new();
    private readonly List<MirrorImage> _images = [];
    private readonly List<MirrorSync> _syncs = [];
    private readonly RangeLock _ranges = new();
    private readonly IMirrorJournal? _journal;
    private readonly DirtyRegionLog? _dirty;
    private readonly Timer? _cleaner;
    private readonly SemaphoreSlim _saveLock = new(1, 1);
    private readonly int _sectorSize;
    private readonly List<MirrorImage> _resumeCandidates = [];
    private GranuleMap? _savedDirty;
    private MirrorSettings _settings;
    private MirrorImage[] _readable = [];
    private int _readCursor;
    private int _imagesAtLastUse;
    private bool _disposed;
    private Task _background = Task.CompletedTask;

    /// <summary>
    /// Creates a mirror over <paramref name="images"/>, or re-opens one whose <paramref name="journal"/> holds a
    /// record (then the images' states come from it, images it names that are not given are missing, and
    /// dirty regions left by a crash make the other images corrupt for those regions).
    /// </summary>
    /// <param name="name">The instance name.</param>
    /// <param name="images">The present images, 1 to 3 distinct instances.</param>
    /// <param name="settings">The attributes of the create packet.</param>
    /// <param name="journal">Where states and dirty regions are kept across crashes; null for a mirror that does not outlive the daemon.</param>
    /// <param name="regionBlocks">The dirty-region size in 512-byte blocks.</param>
    /// <exception cref="ErrnoException">EINVAL: no image, more than three, an image given twice, or an empty one.</exception>
    public MirrorDisk(string name, IReadOnlyList<DiskInstance> images, MirrorSettings settings, IMirrorJournal? journal = null,
        long regionBlocks = DefaultRegionBlocks)
        : base(name, images)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(settings);
        var record = journal?.Load();
        CheckImages(name, images, record is null);
        _settings = settings;
        _journal = journal;
        Size = images.Min(i => i.Size) / BlockSize * BlockSize;
        _sectorSize = images.Max(i => i.SectorSize);
        if (record is null)
        {
            foreach (var image in images)
            {
                _images.Add(new MirrorImage(image.Name, image, images.Count == 1 ? ImageState.Usable : ImageState.Corrupt));
            }
            _imagesAtLastUse = images.Count;
        }
        else
        {
            regionBlocks = record.RegionBlocks > 0 ? record.RegionBlocks : regionBlocks;
            Reopen(record, images, regionBlocks);
        }
        foreach (var image in images)
        {
            image.AttachParent(this);
        }
        RefreshReadableLocked();
        if (journal is not null)
        {
            _dirty = new DirtyRegionLog(Size, regionBlocks, SaveDirtyAsync);
            _savedDirty = _dirty.Snapshot();
            journal.Save(BuildRecordLocked(_savedDirty));
            _cleaner = new Timer(_ => Volatile.Write(ref _background, CleanIdleRegionsAsync()), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
    }

    /// <inheritdoc/>
    public override string Subdriver => "mirror";

    /// <inheritdoc/>
    public override long Size { get; }

    /// <inheritdoc/>
    public override int SectorSize => _sectorSize;

    /// <summary>The attributes of the create and update packets.</summary>
    public MirrorSettings Settings => Volatile.Read(ref _settings);

    /// <summary>The images, in order (a snapshot of the list; the objects are live).</summary>
    public IReadOnlyList<MirrorImage> Images
    {
        get
        {
            lock (_stateLock)
            {
                return [.. _images];
            }
        }
    }

    /// <summary>The running syncs.</summary>
    public IReadOnlyList<MirrorSync> Syncs
    {
        get
        {
            lock (_stateLock)
            {
                return [.. _syncs];
            }
        }
    }

    /// <summary>Whether a sync runs.</summary>
    public bool SyncInProgress
    {
        get
        {
            lock (_stateLock)
            {
                return _syncs.Count > 0;
            }
        }
    }

    /// <summary>The dirty-region size in blocks (0 for a mirror without a journal).</summary>
    public long RegionBlocks => _dirty?.RegionBlocks ?? 0;

    /// <summary>How many regions are marked dirty on disk now.</summary>
    public long DirtyRegions => _dirty?.DirtyCount ?? 0;

    /// <summary>Whether the mirror keeps a journal (it is persistent).</summary>
    public bool HasJournal => _journal is not null;

    /// <summary>The journal, or null.</summary>
    public IMirrorJournal? Journal => _journal;

    /// <summary>Whether the open policy passes and an image can be read: DSKIOCGET refuses the mirror otherwise.</summary>
    public override bool IsUsable
    {
        get
        {
            lock (_stateLock)
            {
                return OpenRefusalLocked() is null;
            }
        }
    }

    /// <summary>usable, degraded (an image is not usable), syncing, or unusable (the open policy fails).</summary>
    public override string State
    {
        get
        {
            lock (_stateLock)
            {
                if (OpenRefusalLocked() is not null)
                {
                    return "unusable";
                }
                if (_syncs.Count > 0)
                {
                    return "syncing";
                }
                return _images.All(i => i.IsPresent && i.State == ImageState.Usable) ? "usable" : "degraded";
            }
        }
    }

    /// <summary>The children as the framework reports them: present images, and missing ones by id.</summary>
    public override IReadOnlyList<ChildSlot> ChildSlots
    {
        get
        {
            lock (_stateLock)
            {
                return [.. _images.Select(i => i.Instance is { } instance ? ChildSlot.Present(instance) : ChildSlot.Missing(new InstanceId(i.DeviceNumber, 0)))];
            }
        }
    }

    /// <summary>The image named by an instance name or a device number.</summary>
    /// <exception cref="ErrnoException">ENOENT: no such image on this mirror.</exception>
    public MirrorImage FindImage(string nameOrNumber)
    {
        lock (_stateLock)
        {
            return FindImageLocked(nameOrNumber);
        }
    }

    /// <summary>
    /// Starts the sync a crash calls for: when the journal showed dirty regions (or an interrupted sync) and
    /// automatic-sync is set and no more images are missing than allowed, from the first usable image to the
    /// images left out of date, at milliseconds-between-sync-io. Otherwise logs that the mirror needs a sync.
    /// Returns the sync started, or null.
    /// </summary>
    public MirrorSync? StartAutomaticSyncIfNeeded()
    {
        MirrorImage? source;
        MirrorImage[] destinations;
        string? refusal = null;
        lock (_stateLock)
        {
            destinations = [.. _resumeCandidates.Where(i => i.IsPresent && i.State == ImageState.Corrupt && _images.Contains(i))];
            _resumeCandidates.Clear();
            if (destinations.Length == 0)
            {
                return null;
            }
            source = _images.FirstOrDefault(i => i.IsPresent && i.State == ImageState.Usable);
            var settings = Settings;
            var missing = _images.Count(i => !i.IsPresent);
            if (!settings.AutomaticSync)
            {
                refusal = "automatic-sync is off";
            }
            else if (settings.MaximumImagesMissingToUse >= 0 && missing > settings.MaximumImagesMissingToUse)
            {
                refusal = $"{missing} images are missing, more than maximum-images-missing-to-use {settings.MaximumImagesMissingToUse}";
            }
            else if (source is null)
            {
                refusal = "no image is usable as the source";
            }
        }
        var names = string.Join(", ", destinations.Select(d => $"'{d.Name}'"));
        if (refusal is not null)
        {
            Log.Warn("mirror '{0}' was not closed cleanly: {1} {2} out of date and need a sync ({3})", Name, names,
                destinations.Length == 1 ? "is" : "are", refusal);
            return null;
        }
        Log.Warn("mirror '{0}' was not closed cleanly: starting an automatic sync from '{1}' to {2}", Name, source!.Name, names);
        return StartSync(source.Name, [.. destinations.Select(d => d.Name)], Settings.MillisecondsBetweenSyncIo, automatic: true);
    }

    private static void CheckImages(string name, IReadOnlyList<DiskInstance> images, bool creating)
    {
        if (creating && images.Count == 0 || images.Count > MaximumImages)
        {
            throw new ErrnoException(Errno.EINVAL, $"mirror '{name}' needs 1 to {MaximumImages} images, not {images.Count}");
        }
        if (images.Count == 0)
        {
            throw new ErrnoException(Errno.EINVAL, $"mirror '{name}' has none of its images present");
        }
        if (images.Distinct().Count() != images.Count)
        {
            throw new ErrnoException(Errno.EINVAL, $"mirror '{name}' names the same image twice");
        }
        if (images.FirstOrDefault(i => i.Size < BlockSize) is { } empty)
        {
            throw new ErrnoException(Errno.EINVAL, $"mirror '{name}': image '{empty.Name}' is empty");
        }
    }

    private void Reopen(MirrorJournalRecord record, IReadOnlyList<DiskInstance> present, long regionBlocks)
    {
        foreach (var saved in record.Images)
        {
            var instance = present.FirstOrDefault(p => p.Name == saved.Name);
            var image = new MirrorImage(saved.Name, instance, MirrorImage.ParseState(saved.State))
            {
                ChangeGranularity = saved.Granularity,
            };
            if (saved.Changes is not null && saved.Granularity > 0)
            {
                image.Changes = GranuleMap.FromBytes(Size, saved.Granularity, saved.Changes);
            }
            if (image.State == ImageState.SyncDestination)
            {
                // The daemon stopped during the sync: the image is out of date; an automatic sync resumes it.
                image.State = ImageState.Corrupt;
                _resumeCandidates.Add(image);
            }
            if (instance is null && image.State == ImageState.Usable)
            {
                // A missing image misses every write from now on.
                image.State = ImageState.Corrupt;
                image.Changes = null;
            }
            _images.Add(image);
        }
        foreach (var instance in present.Where(p => record.Images.All(saved => saved.Name != p.Name)))
        {
            _images.Add(new MirrorImage(instance.Name, instance, ImageState.Corrupt));
        }
        _imagesAtLastUse = record.ImagesAtLastUse;
        _applicationBasedRecovery = record.ApplicationBasedRecovery;
        var dirty = GranuleMap.FromBytes(Size, regionBlocks, record.DirtyRegions);
        if (dirty.MarkedCount == 0)
        {
            return;
        }
        if (_applicationBasedRecovery)
        {
            // The application recovers its own data (DKV_ABR_CAP): the images stay as they are, no sync is started.
            Log.Info("mirror '{0}' was not closed cleanly: application-based recovery is set, so its {1} dirty regions are left to the application and no recovery sync starts",
                Name, dirty.MarkedCount);
            return;
        }
        var source = _images.FirstOrDefault(i => i.IsPresent && i.State == ImageState.Usable);
        foreach (var image in _images)
        {
            if (image == source)
            {
                continue;
            }
            if (image.State == ImageState.Usable)
            {
                image.State = ImageState.Corrupt;
                image.Changes = dirty.Clone(Size);
                image.ChangeGranularity = 0;
                _resumeCandidates.Add(image);
            }
            else
            {
                // Writes the map may have missed lie in the dirty regions, which were saved before them.
                image.Changes?.MarkAll(dirty);
            }
        }
        Log.Warn("mirror '{0}' was not closed cleanly: {1} dirty regions of {2} blocks; {3}", Name, dirty.MarkedCount, regionBlocks,
            source is null ? "no image is usable" : $"'{source.Name}' is the up-to-date image");
    }

    private MirrorImage FindImageLocked(string nameOrNumber) =>
        _images.FirstOrDefault(i => i.Name == nameOrNumber)
        ?? _images.FirstOrDefault(i => i.DeviceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) == nameOrNumber)
        ?? throw new ErrnoException(Errno.ENOENT, $"'{nameOrNumber}' is not an image of mirror '{Name}'");

    private void RefreshReadableLocked() =>
        Volatile.Write(ref _readable, [.. _images.Where(i => i.IsPresent && i.State == ImageState.Usable)]);

    /// <summary>Why the mirror cannot be opened now, or null.</summary>
    private string? OpenRefusalLocked()
    {
        var settings = Settings;
        var nonCorrupt = _images.Count(i => i.IsPresent && i.State is ImageState.Usable or ImageState.SyncDestination);
        if (settings.MinimumImagesRequiredToUse >= 0 && nonCorrupt < settings.MinimumImagesRequiredToUse)
        {
            return $"it has {nonCorrupt} non-corrupt {(nonCorrupt == 1 ? "image" : "images")}, fewer than minimum-images-required-to-use {settings.MinimumImagesRequiredToUse}";
        }
        var missing = _images.Count(i => !i.IsPresent);
        if (settings.MaximumImagesMissingToUse >= 0 && missing > settings.MaximumImagesMissingToUse)
        {
            return $"{missing} of its images {(missing == 1 ? "is" : "are")} missing, more than maximum-images-missing-to-use {settings.MaximumImagesMissingToUse}";
        }
        if (!_images.Any(i => i.IsPresent && i.State == ImageState.Usable))
        {
            return "no image is usable (synchronise it first)";
        }
        return null;
    }
}
