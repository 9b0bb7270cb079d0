using VdmFuse.Engine.Metadata;
using VdmFuse.Native;

namespace VdmFuse.Engine.Devices;

/// <summary>
/// The label region of a device (its first MiB), kept by a <see cref="DurableRecordStore"/> so that a crash
/// while the label or volume table is rewritten leaves the previous table readable.
/// </summary>
public sealed class DeviceLabelStore
{
    /// <summary>The bytes at the start of a device that hold its label; volumes start after them.</summary>
    public const long LabelRegionBytes = 1024 * 1024;

    private readonly DurableRecordStore _store;
    private readonly string _path;

    /// <summary>The label store of the device at <paramref name="path"/>.</summary>
    public DeviceLabelStore(string path)
    {
        _path = path;
        _store = DurableRecordStore.Open(new RecordLocation(path, 0, LabelRegionBytes));
    }

    /// <summary>True when the device holds a readable label.</summary>
    public bool HasLabel => _store.Check().Condition == RecordCondition.Valid && TryRead(out _, out _);

    /// <summary>Writes a fresh label (both slots rewritten: any previous label is gone).</summary>
    public void Format(DeviceLabel label)
    {
        _store.Initialize(label.DeviceId);
        _store.Write(label.DeviceId, 1, label.Serialize());
    }

    /// <summary>Reads the newest committed label and its sequence.</summary>
    /// <exception cref="ErrnoException">EINVAL when the device holds no label.</exception>
    public (DeviceLabel Label, ulong Sequence) Read()
    {
        if (!TryRead(out var label, out var sequence))
        {
            throw new ErrnoException(Errno.EINVAL, $"device '{_path}' holds no volume label (format it with format-dev)");
        }
        return (label!, sequence);
    }

    /// <summary>Commits <paramref name="label"/> as the sequence after <paramref name="sequence"/>.</summary>
    public ulong Commit(DeviceLabel label, ulong sequence)
    {
        _store.Write(label.DeviceId, sequence + 1, label.Serialize());
        return sequence + 1;
    }

    private bool TryRead(out DeviceLabel? label, out ulong sequence)
    {
        label = null;
        sequence = 0;
        RecordSnapshot? snapshot;
        try
        {
            snapshot = _store.ReadNewest();
        }
        catch (ErrnoException)
        {
            return false;
        }
        if (snapshot is null || snapshot.Payload.Length == 0)
        {
            return false;
        }
        label = DeviceLabel.Deserialize(snapshot.Payload);
        sequence = snapshot.Sequence;
        return label is not null && label.DeviceId == snapshot.Id;
    }
}
