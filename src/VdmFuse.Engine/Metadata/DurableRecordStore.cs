using VdmFuse.Native;

namespace VdmFuse.Engine.Metadata;

/// <summary>
/// Keeps one payload crash-safely in a region (<see cref="RecordLocation"/>) holding two slots: A at offset 0
/// and B at offset length/2. A write goes to the slot that does not hold the newest valid record and is made
/// durable with fdatasync before it returns, so a crash at any instant leaves the previous record intact in
/// the other slot. A read returns the valid slot with the highest sequence.
/// </summary>
/// <remarks>
/// The file is opened for each operation (no descriptor is held). A copy on a disk instance
/// (<see cref="RecordLocation.IsInstance"/>) is found in the registry given to <see cref="Open(RecordLocation, InstanceRegistry?)"/>
/// at each operation and read and written through the instance; the store marks the instance held
/// (<see cref="DiskInstance.HeldBy"/>) so that it is not deleted or changed under the copy. The methods are not synchronised: one
/// caller at a time per region (the configuration database holds its lock). Every error is an
/// <see cref="ErrnoException"/> naming the copy.
/// </remarks>
public sealed class DurableRecordStore
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    private readonly RecordLocation _location;
    private readonly InstanceRegistry? _instances;
    private string? _holder;

    private DurableRecordStore(RecordLocation location, InstanceRegistry? instances)
    {
        _location = location;
        _instances = instances;
    }

    /// <summary>
    /// The region. For a copy on an instance, <see cref="RecordLocation.Length"/> is the length of the region it uses
    /// on the instance (0 while the instance does not exist).
    /// </summary>
    public RecordLocation Location => _location.IsInstance && InstanceRegion.TryFind(_location, _instances) is { } instance
        ? _location with { Length = InstanceRegion.RegionLengthOf(instance) }
        : _location;

    /// <summary>The largest payload the region holds (0 for a copy on an instance that does not exist).</summary>
    public long Capacity => Math.Max(0, SlotFormat.Capacity(Location.SlotLength));

    /// <summary>
    /// What the copy is called where an instance that holds it refuses a change ("configuration copy 2 of 3"), or
    /// null; setting it marks the instance held at once when it exists, and at each later operation.
    /// </summary>
    internal string? Holder
    {
        get => _holder;
        set
        {
            var previous = _holder;
            _holder = value;
            var instance = _location.IsInstance ? InstanceRegion.TryFind(_location, _instances) : null;
            if (instance is null)
            {
                return;
            }
            if (value is not null)
            {
                instance.Hold(value);
            }
            else if (previous is not null)
            {
                instance.Release(previous);
            }
        }
    }

    /// <summary>Returns the store for <paramref name="location"/> after checking its offset and length (no I/O).</summary>
    /// <exception cref="ErrnoException">EINVAL: the region is misaligned or too small.</exception>
    public static DurableRecordStore Open(RecordLocation location) => Open(location, null);

    /// <summary>
    /// Returns the store for <paramref name="location"/>, finding a copy on an instance (<c>instance:NAME</c>) in
    /// <paramref name="instances"/>, after checking the location (no I/O).
    /// </summary>
    /// <exception cref="ErrnoException">EINVAL: the region is misaligned or too small, or names no valid instance name.</exception>
    public static DurableRecordStore Open(RecordLocation location, InstanceRegistry? instances) => new(RecordLocation.Validated(location), instances);

    /// <summary>
    /// Erases both slots and writes slot A with <paramref name="id"/>, sequence 0 and an empty payload.
    /// A whole-file copy is created (and sized) when it does not exist.
    /// </summary>
    public void Initialize(Guid id)
    {
        using var file = OpenRegion(create: true);
        var blank = new byte[SlotFormat.Sector];
        file.Write(file.SlotLength, blank);
        var image = new byte[SlotFormat.ImageLength(0)];
        SlotFormat.Encode(image, id, 0, ReadOnlySpan<byte>.Empty);
        file.Write(0, image);
        file.Sync();
        Log.Trace("initialised configuration copy {Location} with id {Id}", Location, id);
    }

    /// <summary>Returns the valid record with the highest sequence, or null when the region is empty.</summary>
    /// <exception cref="FormatVersionException">A slot holds a newer on-disk format version.</exception>
    /// <exception cref="ErrnoException">EIO: no slot holds a valid record; or the errno of a failed read.</exception>
    public RecordSnapshot? ReadNewest()
    {
        var health = Check();
        return health.Condition switch
        {
            RecordCondition.Valid => health.Newest,
            RecordCondition.Empty => null,
            RecordCondition.UnsupportedVersion => throw new FormatVersionException(Location, health.FormatVersion ?? 0),
            RecordCondition.IoError => throw new ErrnoException(health.Errno, health.Detail ?? $"configuration copy {Location} cannot be read"),
            _ => throw new ErrnoException(Errno.EIO, $"configuration copy {Location} holds no valid record: {health.Detail}"),
        };
    }

    /// <summary>
    /// Writes <paramref name="payload"/> with <paramref name="id"/> and <paramref name="sequence"/> to the slot
    /// that does not hold the newest valid record, then fdatasync.
    /// </summary>
    /// <exception cref="ErrnoException">
    /// ENOSPC: the payload does not fit a slot; EINVAL: the other slot holds a sequence at least as high (the
    /// write would not become the newest); ENOTSUP (<see cref="FormatVersionException"/>): a slot holds a newer
    /// format; or the errno of the failed write.
    /// </exception>
    public void Write(Guid id, ulong sequence, ReadOnlySpan<byte> payload) => Write(id, sequence, payload, crash: null);

    /// <summary>Reads both slots and says what each holds. Never throws for an I/O or format error: it reports it.</summary>
    public RecordHealth Check()
    {
        IRecordRegion file;
        try
        {
            file = OpenRegion(create: false);
        }
        catch (ErrnoException e)
        {
            return new RecordHealth(Location, RecordCondition.IoError, null, null, null, e.Errno, e.Message);
        }
        using (file)
        {
            var a = ReadSlot(file, 'A', out var snapshotA, out var versionA);
            var b = ReadSlot(file, 'B', out var snapshotB, out var versionB);
            if (a.State == SlotState.UnsupportedVersion || b.State == SlotState.UnsupportedVersion)
            {
                var version = versionA ?? versionB ?? 0;
                return new RecordHealth(Location, RecordCondition.UnsupportedVersion, a, b, null, 0,
                    new FormatVersionException(Location, version).Message, version);
            }
            var newest = snapshotA is null ? snapshotB
                : snapshotB is null ? snapshotA
                : snapshotB.Sequence > snapshotA.Sequence ? snapshotB : snapshotA;
            if (newest is not null)
            {
                return new RecordHealth(Location, RecordCondition.Valid, a, b, newest);
            }
            if (a.State == SlotState.Empty && b.State == SlotState.Empty)
            {
                return new RecordHealth(Location, RecordCondition.Empty, a, b, null);
            }
            var io = a.State == SlotState.IoError ? a : b.State == SlotState.IoError ? b : null;
            if (io is not null && (a.State is SlotState.IoError or SlotState.Empty) && (b.State is SlotState.IoError or SlotState.Empty))
            {
                return new RecordHealth(Location, RecordCondition.IoError, a, b, null, Errno.EIO, $"configuration copy {Location} cannot be read: {io.Detail}");
            }
            return new RecordHealth(Location, RecordCondition.Corrupt, a, b, null, 0,
                $"no valid record: {a}; {b}");
        }
    }

    /// <summary>Writes like <see cref="Write(Guid, ulong, ReadOnlySpan{byte})"/>; with <paramref name="crash"/>, writes only its first bytes and throws <see cref="SimulatedCrashException"/>.</summary>
    internal void Write(Guid id, ulong sequence, ReadOnlySpan<byte> payload, int? crash)
    {
        using var file = OpenRegion(create: false, direct: crash is null);
        var capacity = SlotFormat.Capacity(file.SlotLength);
        if (payload.Length > capacity)
        {
            throw new ErrnoException(Errno.ENOSPC, $"configuration copy {Location} holds at most {capacity} bytes; the configuration needs {payload.Length}");
        }
        var a = ReadSlot(file, 'A', out var snapshotA, out var versionA);
        var b = ReadSlot(file, 'B', out var snapshotB, out var versionB);
        if ((versionA ?? versionB) is { } version)
        {
            throw new FormatVersionException(Location, version);
        }
        var newestIsA = snapshotA is not null && (snapshotB is null || snapshotA.Sequence >= snapshotB.Sequence);
        var target = newestIsA ? 'B' : 'A';
        var other = newestIsA ? snapshotA : snapshotB;
        if (other is not null && other.Sequence >= sequence)
        {
            throw new ErrnoException(Errno.EINVAL, $"configuration copy {Location} already holds sequence {other.Sequence}; sequence {sequence} would not be the newest");
        }
        var image = new byte[SlotFormat.ImageLength(payload.Length)];
        SlotFormat.Encode(image, id, sequence, payload);
        var offset = target == 'A' ? 0 : file.SlotLength;
        if (crash is { } bytes)
        {
            file.Write(offset, image.AsSpan(0, Math.Clamp(bytes, 0, image.Length)));
            file.Sync();
            throw new SimulatedCrashException($"simulated crash after {bytes} bytes of slot {target} of {Location}");
        }
        file.Write(offset, image);
        file.Sync();
        Log.Trace("wrote sequence {Sequence} ({Length} bytes) to slot {Slot} of configuration copy {Location} ({A}; {B})", sequence, payload.Length, target, Location, a, b);
    }

    /// <summary>Opens the file, block device or instance under the location for one operation.</summary>
    private IRecordRegion OpenRegion(bool create, bool direct = true) => _location.IsInstance
        ? InstanceRegion.Open(_location, _instances, _holder)
        : RegionFile.Open(_location, create, direct);

    private SlotHealth ReadSlot(IRecordRegion file, char slot, out RecordSnapshot? snapshot, out uint? unsupported)
    {
        snapshot = null;
        unsupported = null;
        var offset = slot == 'A' ? 0 : file.SlotLength;
        try
        {
            var sector = new byte[SlotFormat.Sector];
            var read = file.Read(offset, sector);
            if (read == 0)
            {
                return new SlotHealth(slot, SlotState.Empty, null, "beyond the end of the file");
            }
            var state = SlotFormat.DecodeHeader(sector.AsSpan(0, read < SlotFormat.Sector ? read : SlotFormat.Sector), file.SlotLength, out var header, out var detail);
            if (read < SlotFormat.Sector && state != SlotState.Empty)
            {
                return new SlotHealth(slot, SlotState.Corrupt, null, $"truncated: only {read} bytes of the header sector");
            }
            if (state == SlotState.UnsupportedVersion)
            {
                unsupported = header.Version;
                return new SlotHealth(slot, state, header.Sequence, detail);
            }
            if (state != SlotState.Valid)
            {
                return new SlotHealth(slot, state, null, detail);
            }
            var image = new byte[SlotFormat.ImageLength(header.PayloadLength)];
            var got = file.Read(offset, image);
            var end = header.HeaderSize + (int)header.PayloadLength;
            if (got < end)
            {
                return new SlotHealth(slot, SlotState.Corrupt, header.Sequence, $"truncated: {got} of {end} bytes present");
            }
            var payload = image.AsSpan(header.HeaderSize, (int)header.PayloadLength);
            if (!SlotFormat.PayloadMatches(header, payload, out detail))
            {
                return new SlotHealth(slot, SlotState.Corrupt, header.Sequence, detail);
            }
            snapshot = new RecordSnapshot(header.Id, header.Sequence, payload.ToArray(), slot);
            return new SlotHealth(slot, SlotState.Valid, header.Sequence);
        }
        catch (ErrnoException e)
        {
            return new SlotHealth(slot, SlotState.IoError, null, e.Message);
        }
    }
}
