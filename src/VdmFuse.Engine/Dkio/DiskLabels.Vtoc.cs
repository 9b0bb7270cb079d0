using VdmFuse.Native;

namespace VdmFuse.Engine.Dkio;

// The VTOC, its slices, the partition-map view and the master boot record.
public sealed partial class DiskLabels
{
    /// <summary>DKIOCGVTOC / DKIOCGEXTVTOC: the driver's notion of the VTOC.</summary>
    /// <exception cref="ErrnoException">EINVAL: the instance has no VTOC; EOVERFLOW: the 32-bit form on an instance over 1 TiB.</exception>
    public Vtoc GetVtoc(DiskInstance instance, bool extended)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (!extended)
        {
            Vtoc.CheckFits32(instance.Description, Blocks(instance), "struct vtoc");
        }
        lock (_lock)
        {
            return _states.TryGetValue(instance, out var state) && state.Current is { } vtoc
                ? vtoc
                : throw new ErrnoException(Errno.EINVAL, $"{instance.Description} has no VTOC (write one with DKIOCSVTOC, dk-set-vtoc)");
        }
    }

    /// <summary>
    /// DKIOCSVTOC / DKIOCSEXTVTOC: checks <paramref name="vtoc"/>, writes it to the instance's label sector and flushes, then
    /// exports its slices (DISKs0 ... DISKs15) in place of the old ones.
    /// </summary>
    /// <exception cref="ErrnoException">
    /// EINVAL: an invalid VTOC (<see cref="Vtoc.Validate"/>), or a slice instance whose name is taken; EOVERFLOW: the 32-bit
    /// form on an instance over 1 TiB; EBUSY: a slice that would change or go is open, or has an instance built on it; the
    /// label write's error.
    /// </exception>
    public void SetVtoc(DiskInstance instance, Vtoc vtoc, bool extended)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(vtoc);
        CheckLabelable(instance);
        if (!extended)
        {
            Vtoc.CheckFits32(instance.Description, Blocks(instance), "struct vtoc");
        }
        vtoc.Validate(instance.Description, Blocks(instance), instance.SectorSize);
        CheckSlicesReplaceable(instance, vtoc);
        WriteLabel(instance, vtoc);
        lock (_lock)
        {
            var state = StateOf(instance);
            state.OnDisk = vtoc;
            state.Current = vtoc;
            state.RevertOnLastClose = false;
        }
        ApplySlices(instance, vtoc);
        Log.Info("{0}: VTOC '{1}' written with {2} slices", instance.Description, vtoc.Volume, vtoc.Partitions.Count(p => p.Size > 0));
    }

    /// <summary>DKIOCGAPART: the VTOC's slices as starting cylinders (of <see cref="Geometry"/>) and lengths.</summary>
    /// <exception cref="ErrnoException">EINVAL: the instance has no VTOC.</exception>
    public DkMap[] GetAllMap(DiskInstance instance)
    {
        var vtoc = GetVtoc(instance, extended: true);
        var perCylinder = Math.Max(1, Geometry(instance).SectorsPerCylinder);
        return [.. vtoc.Partitions.Select(p => new DkMap(p.Start / perCylinder, p.Size))];
    }

    /// <summary>
    /// DKIOCSAPART: sets the driver's notion of the slices (start = cylinder × sectors per cylinder) without changing the disk;
    /// tags and flags stay. The VTOC on disk comes back when the instance's last file is closed.
    /// </summary>
    /// <exception cref="ErrnoException">EINVAL: not 16 entries, or the resulting VTOC is invalid; EBUSY: a changing slice is open.</exception>
    public void SetAllMap(DiskInstance instance, IReadOnlyList<DkMap> map)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(map);
        CheckLabelable(instance);
        if (map.Count != Vtoc.PartitionCount)
        {
            throw new ErrnoException(Errno.EINVAL, $"{instance.Description}: a partition map has {Vtoc.PartitionCount} entries, not {map.Count}");
        }
        Vtoc current;
        lock (_lock)
        {
            current = _states.TryGetValue(instance, out var state) && state.Current is { } vtoc ? vtoc : Vtoc.Default(Blocks(instance));
        }
        var perCylinder = Math.Max(1, Geometry(instance).SectorsPerCylinder);
        var parts = current.Partitions.Select((p, i) => p with { Start = map[i].Cylno * perCylinder, Size = map[i].Nblk }).ToArray();
        var next = current with { Partitions = parts };
        next.Validate(instance.Description, Blocks(instance), instance.SectorSize);
        SetInMemory(instance, next, "DKIOCSAPART");
    }

    /// <summary>
    /// DKIOCSMBOOT: checks the master boot record (signature 0xAA55, no overlapping partitions, none past the end), writes it
    /// to sector 0 and flushes. When its Solaris partition differs from the previous one, the driver's VTOC becomes the
    /// page's default (VTOC_16: slice 2 the Solaris partition less 2 cylinders, slice 8 its first cylinder, slice 9 the two
    /// after) until DKIOCSVTOC or the last close.
    /// </summary>
    /// <exception cref="ErrnoException">EINVAL: a check failed, or not 512 bytes; the write's error.</exception>
    public void WriteMboot(DiskInstance instance, ReadOnlySpan<byte> sector)
    {
        ArgumentNullException.ThrowIfNull(instance);
        CheckLabelable(instance);
        if (sector.Length != Mboot.Size)
        {
            throw new ErrnoException(Errno.EINVAL, $"{instance.Description}: a master boot record is {Mboot.Size} bytes, not {sector.Length}");
        }
        var mboot = Mboot.Parse(sector);
        mboot.Validate(instance.Description, Blocks(instance));
        WriteSector(instance, 0, sector);
        var solaris = mboot.SolarisPartition;
        MbootPartition? previous;
        lock (_lock)
        {
            var state = StateOf(instance);
            previous = state.Solaris;
            state.Solaris = solaris;
        }
        Log.Info("{0}: master boot record written ({1} partitions)", instance.Description, mboot.Partitions.Count(p => p.SectorCount > 0));
        if (solaris is not null && (previous is null || previous.RelativeSector != solaris.RelativeSector || previous.SectorCount != solaris.SectorCount))
        {
            var perCylinder = Math.Max(1, Geometry(instance).SectorsPerCylinder);
            var parts = Enumerable.Repeat(VtocPartition.Empty, Vtoc.PartitionCount).ToArray();
            parts[2] = new VtocPartition(Vtoc.TagBackup, Vtoc.FlagUnmountable, solaris.RelativeSector, Math.Max(0, solaris.SectorCount - 2 * perCylinder));
            parts[8] = new VtocPartition(0x01, Vtoc.FlagUnmountable, solaris.RelativeSector, Math.Min(perCylinder, solaris.SectorCount));
            parts[9] = new VtocPartition(0x09, 0, solaris.RelativeSector + perCylinder, Math.Max(0, Math.Min(2 * perCylinder, solaris.SectorCount - perCylinder)));
            var fallback = Vtoc.Default(Blocks(instance)) with { Partitions = parts };
            try
            {
                SetInMemory(instance, fallback, "DKIOCSMBOOT (a new Solaris partition)");
            }
            catch (ErrnoException e)
            {
                Log.Warn("{0}: the default VTOC for the new Solaris partition was not applied: {1}", instance.Description, e.Message);
            }
        }
    }

    /// <summary>Reads the master boot record and the VTOC label of an instance the registry added, and exports its slices.</summary>
    private void OnAdded(DiskInstance instance)
    {
        if (!IsLabelable(instance))
        {
            return;
        }
        if (instance.Subdriver == "mirror")
        {
            // The mirror's images carry its label too; slices of an image would write around the mirror.
            foreach (var image in instance.Children)
            {
                DropSlices(image, $"it is an image of mirror '{instance.Name}'");
            }
            // A mirror's read path may wait for its images; never hold up the caller of create for it.
            _ = Task.Run(() => Scan(instance));
            return;
        }
        Scan(instance);
    }

    private void Scan(DiskInstance instance)
    {
        var length = 2 * instance.SectorSize;
        if (instance.Size < length || !instance.IsUsable)
        {
            return;
        }
        var buffer = AlignedBufferPool.Shared.Rent(length);
        try
        {
            SynchronousIo.Read(instance, 0, buffer.Memory[..length]);
            var sectors = buffer.GetSpan()[..length];
            var mboot = Mboot.Parse(sectors[..Mboot.Size]);
            var vtoc = VtocLabel.Decode(sectors.Slice((int)VtocLabel.OffsetOn(instance.SectorSize), VtocLabel.Size));
            lock (_lock)
            {
                var state = StateOf(instance);
                state.Solaris = mboot.Signature == Mboot.RequiredSignature ? mboot.SolarisPartition : null;
                state.OnDisk = vtoc;
                state.Current = vtoc;
            }
            if (vtoc is not null)
            {
                try
                {
                    vtoc.Validate(instance.Description, Blocks(instance), instance.SectorSize);
                    ApplySlices(instance, vtoc);
                    Log.Info("{0}: VTOC '{1}' found with {2} slices", instance.Description, vtoc.Volume, vtoc.Partitions.Count(p => p.Size > 0));
                }
                catch (ErrnoException e)
                {
                    Log.Warn("{0}: its VTOC label is not usable ({1}); no slices exported", instance.Description, e.Message);
                }
            }
        }
        catch (Exception e) when (e is ErrnoException or ObjectDisposedException)
        {
            Log.Debug("{0}: label not read: {1}", instance.Description, e.Message);
        }
        finally
        {
            AlignedBufferPool.Shared.Return(buffer);
        }
    }

    /// <summary>Removes the slices of <paramref name="instance"/> (an open one stays, with a warning).</summary>
    private void DropSlices(DiskInstance instance, string why)
    {
        foreach (var slice in SlicesOf(instance))
        {
            try
            {
                _registry.Delete(slice.Name);
                lock (_lock)
                {
                    StateOf(instance).Slices.Remove(slice.Index);
                }
                Log.Info("slice '{0}' removed: {1}", slice.Name, why);
            }
            catch (ErrnoException e)
            {
                Log.Warn("slice '{0}' stays although {1}: {2}", slice.Name, why, e.Message);
            }
        }
    }

    private void OnRemoved(DiskInstance instance)
    {
        List<VtocSlice> slices;
        lock (_lock)
        {
            if (instance is VtocSlice gone && _states.TryGetValue(gone.Disk, out var diskState) && diskState.Slices.TryGetValue(gone.Index, out var listed) && listed == gone)
            {
                diskState.Slices.Remove(gone.Index);
            }
            if (!_states.Remove(instance, out var state))
            {
                return;
            }
            slices = [.. state.Slices.Values];
        }
        foreach (var slice in slices)
        {
            try
            {
                _registry.Revoke(slice.Name, $"its disk '{instance.Name}' was removed");
            }
            catch (ErrnoException e)
            {
                Log.Warn("slice '{0}' of removed {1} stays: {2}", slice.Name, instance.Description, e.Message);
            }
        }
    }

    /// <summary>Sets the driver's VTOC without writing it; the label on disk comes back at the last close.</summary>
    private void SetInMemory(DiskInstance instance, Vtoc vtoc, string cause)
    {
        CheckSlicesReplaceable(instance, vtoc);
        bool hook;
        lock (_lock)
        {
            var state = StateOf(instance);
            state.Current = vtoc;
            hook = !state.RevertOnLastClose;
            state.RevertOnLastClose = true;
        }
        if (hook)
        {
            instance.LastClosed += RevertOnLastClose;
        }
        ApplySlices(instance, vtoc);
        Log.Info("{0}: VTOC set in memory by {1} (the label on disk comes back at the last close)", instance.Description, cause);
    }

    private void RevertOnLastClose(DiskInstance instance)
    {
        instance.LastClosed -= RevertOnLastClose;
        Vtoc? onDisk;
        lock (_lock)
        {
            if (!_states.TryGetValue(instance, out var state) || !state.RevertOnLastClose)
            {
                return;
            }
            state.RevertOnLastClose = false;
            state.Current = state.OnDisk;
            onDisk = state.OnDisk;
        }
        try
        {
            ApplySlices(instance, onDisk);
            Log.Info("{0}: last close: the VTOC on disk is the driver's again", instance.Description);
        }
        catch (ErrnoException e)
        {
            Log.Warn("{0}: last close: the slices of the VTOC on disk could not be restored: {1}", instance.Description, e.Message);
        }
    }

    /// <summary>Refuses a VTOC whose changes would remove or move an open slice (or one with an instance built on it).</summary>
    private void CheckSlicesReplaceable(DiskInstance instance, Vtoc vtoc)
    {
        foreach (var slice in SlicesOf(instance))
        {
            var next = vtoc.Partitions[slice.Index];
            if (next == slice.Partition)
            {
                continue;
            }
            if (slice.OpenCount > 0 || slice.Parents.Count > 0)
            {
                throw new ErrnoException(Errno.EBUSY,
                    $"{instance.Description}: slice '{slice.Name}' would change but is {(slice.OpenCount > 0 ? "open" : $"in use by {string.Join(", ", slice.Parents)}")}");
            }
        }
    }

    /// <summary>Makes the registered slices match <paramref name="vtoc"/> (none when null): unchanged slices stay.</summary>
    private void ApplySlices(DiskInstance instance, Vtoc? vtoc)
    {
        var existing = SlicesOf(instance).ToDictionary(s => s.Index);
        for (var index = 0; index < Vtoc.PartitionCount; index++)
        {
            var wanted = vtoc is not null && vtoc.Partitions[index].Size > 0 ? vtoc.Partitions[index] : null;
            existing.TryGetValue(index, out var old);
            if (old is not null && wanted == old.Partition)
            {
                continue;
            }
            if (old is not null)
            {
                lock (_lock)
                {
                    StateOf(instance).Slices.Remove(index);
                }
                _registry.Delete(old.Name);
            }
            if (wanted is null)
            {
                continue;
            }
            var name = VtocSlice.NameOf(instance.Name, index);
            if (_registry.TryGet(name, out var taken) && taken.Name == name)
            {
                Log.Warn("{0}: slice {1} is not exported: the name '{2}' is taken by {3}", instance.Description, index, name, taken.Description);
                continue;
            }
            var slice = new VtocSlice(instance, index, wanted);
            _registry.Register(slice, instance.Exported);
            lock (_lock)
            {
                StateOf(instance).Slices[index] = slice;
            }
        }
    }

    private static bool IsLabelable(DiskInstance instance) => instance is not VtocSlice && instance.Size > 0 && instance.Subdriver != "remap";

    private static void CheckLabelable(DiskInstance instance)
    {
        if (!IsLabelable(instance))
        {
            throw new ErrnoException(Errno.EINVAL,
                instance is VtocSlice ? $"{instance.Description} is a VTOC slice: label its disk '{((VtocSlice)instance).Disk.Name}' instead" : $"{instance.Description} has no size to label");
        }
    }

    private static void WriteLabel(DiskInstance instance, Vtoc vtoc)
    {
        Span<byte> label = stackalloc byte[VtocLabel.Size];
        VtocLabel.Encode(vtoc, label);
        WriteSector(instance, VtocLabel.OffsetOn(instance.SectorSize), label);
    }

    /// <summary>Writes <paramref name="data"/> (at most a sector) at the start of the sector at <paramref name="offset"/>, keeping the rest, and flushes.</summary>
    private static void WriteSector(DiskInstance instance, long offset, ReadOnlySpan<byte> data)
    {
        var sector = instance.SectorSize;
        var buffer = AlignedBufferPool.Shared.Rent(sector);
        try
        {
            var memory = buffer.Memory[..sector];
            if (data.Length < sector)
            {
                SynchronousIo.Read(instance, offset, memory);
            }
            data.CopyTo(buffer.GetSpan());
            SynchronousIo.Write(instance, offset, memory);
            SynchronousIo.Flush(instance);
        }
        finally
        {
            AlignedBufferPool.Shared.Return(buffer);
        }
    }
}
