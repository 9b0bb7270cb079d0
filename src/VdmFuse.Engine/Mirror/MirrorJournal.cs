using System.Text.Json;
using System.Text.Json.Serialization;
using VdmFuse.Engine.Metadata;
using VdmFuse.Native;

namespace VdmFuse.Engine.Mirror;

/// <summary>
/// Where a persistent mirror keeps what must survive a crash: its images' states, the change maps of
/// fractured images, and the dirty regions (written before the writes they cover).
/// </summary>
public interface IMirrorJournal
{
    /// <summary>The last record saved, or null for a new mirror.</summary>
    MirrorJournalRecord? Load();

    /// <summary>Saves <paramref name="record"/> durably (it has reached the disk when this returns).</summary>
    void Save(MirrorJournalRecord record);

    /// <summary>Removes the journal (the mirror is deleted).</summary>
    void Delete();

    /// <summary>The largest record the journal holds, in bytes.</summary>
    long Capacity { get; }
}

/// <summary>One image in the journal.</summary>
/// <param name="Name">The image instance's name.</param>
/// <param name="State">usable, corrupt, sync-destination or fractured.</param>
/// <param name="Granularity">The change granularity in blocks (0: no map).</param>
/// <param name="Changes">The change map's bits, or null for none.</param>
public sealed record MirrorJournalImage(string Name, string State, long Granularity, byte[]? Changes);

/// <summary>What the journal holds.</summary>
/// <param name="ImagesAtLastUse">How many images were present the last time the mirror was opened.</param>
/// <param name="RegionBlocks">The dirty-region size in 512-byte blocks.</param>
/// <param name="DirtyRegions">The dirty-region bits: regions that may differ between the images.</param>
/// <param name="Images">The images, in order.</param>
/// <param name="ApplicationBasedRecovery">
/// Whether application-based recovery (dkio(7) DKV_ABR_CAP) is set: no dirty regions are kept, and a restart after a
/// crash starts no recovery sync (false in records saved before the field existed).
/// </param>
public sealed record MirrorJournalRecord(int ImagesAtLastUse, long RegionBlocks, byte[] DirtyRegions, IReadOnlyList<MirrorJournalImage> Images,
    bool ApplicationBasedRecovery = false)
{
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The record as UTF-8 JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    /// <summary>A record read back from <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">Not a journal record.</exception>
    public static MirrorJournalRecord FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<MirrorJournalRecord>(json, Options) ?? throw new JsonException("empty mirror journal record");
}

/// <summary>A journal kept crash-safely in a <see cref="DurableRecordStore"/> (two checksummed slots, each written then fdatasync'd).</summary>
public sealed class DurableMirrorJournal : IMirrorJournal
{
    private readonly DurableRecordStore _store;
    private readonly Lock _lock = new();
    private readonly Guid _id;
    private ulong _sequence;

    /// <summary>Opens (creating when missing) the journal at <paramref name="location"/>.</summary>
    public DurableMirrorJournal(RecordLocation location)
    {
        _store = DurableRecordStore.Open(location);
        var newest = File.Exists(location.Path) ? _store.ReadNewest() : null;
        if (newest is null)
        {
            _id = Guid.NewGuid();
            _store.Initialize(_id);
        }
        else
        {
            _id = newest.Id;
            _sequence = newest.Sequence;
        }
    }

    /// <inheritdoc/>
    public long Capacity => _store.Capacity;

    /// <summary>The region the journal lives in.</summary>
    public RecordLocation Location => _store.Location;

    /// <inheritdoc/>
    public MirrorJournalRecord? Load()
    {
        lock (_lock)
        {
            var newest = _store.ReadNewest();
            return newest is null || newest.Payload.Length == 0 ? null : MirrorJournalRecord.FromJson(newest.Payload);
        }
    }

    /// <inheritdoc/>
    public void Save(MirrorJournalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var payload = record.ToJson();
        lock (_lock)
        {
            try
            {
                _store.Write(_id, _sequence + 1, payload);
                _sequence++;
            }
            catch (ErrnoException e) when (e.Errno == Errno.EINVAL && _store.ReadNewest() is { } newest && newest.Sequence > _sequence)
            {
                // Another journal object over the same region (a mirror re-opened in the same process) wrote since:
                // continue after its sequence. Checked only on a refusal, so a save costs one write and one fdatasync.
                _sequence = newest.Sequence;
                _store.Write(_id, ++_sequence, payload);
            }
        }
    }

    /// <inheritdoc/>
    public void Delete()
    {
        lock (_lock)
        {
            if (_store.Location.IsWholeFile)
            {
                File.Delete(_store.Location.Path);
            }
        }
    }
}
