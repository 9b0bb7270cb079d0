using VdmFuse.Native;

namespace VdmFuse.Engine.Devices;

/// <summary>
/// Shore's device management over an <see cref="InstanceRegistry"/>: formats devices (image files or block
/// devices with a crash-safe label in their first MiB), mounts them as a hidden physical instance plus one
/// exported <see cref="VolumeDisk"/> per volume, and creates and destroys volumes within the device's quota.
/// </summary>
/// <remarks>Every error is an <see cref="ErrnoException"/> whose message names the device path.</remarks>
public sealed class DeviceManager
{
    private const int BlockSize = 512;
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();
    private readonly Lock _lock = new();
    private readonly InstanceRegistry _registry;
    private readonly List<MountedDevice> _devices = [];

    /// <summary>Creates a device manager whose instances live in <paramref name="registry"/>.</summary>
    public DeviceManager(InstanceRegistry registry)
    {
        _registry = registry;
    }

    /// <summary>The mounted devices, in the order they were mounted.</summary>
    public IReadOnlyList<MountedDevice> Devices
    {
        get
        {
            lock (_lock)
            {
                return [.. _devices];
            }
        }
    }

    /// <summary>
    /// Writes a new label (a new device id, <paramref name="quotaKb"/>, no volumes) on the device at
    /// <paramref name="path"/>; a missing file is created with 1 MiB + the quota.
    /// </summary>
    /// <exception cref="ErrnoException">
    /// EINVAL: quota not positive; EBUSY: the device is mounted; EEXIST: it already holds a label and
    /// <paramref name="force"/> is false; ENOSPC: a block device too small for the quota.
    /// </exception>
    public DeviceLabel Format(string path, long quotaKb, bool force)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (quotaKb <= 0)
        {
            throw new ErrnoException(Errno.EINVAL, $"device '{path}': the quota must be a positive number of KB, not {quotaKb}");
        }
        var needed = checked(DeviceLabelStore.LabelRegionBytes + quotaKb * 1024);
        lock (_lock)
        {
            if (Directory.Exists(path))
            {
                throw new ErrnoException(Errno.EISDIR, $"device '{path}' is a directory");
            }
            if (File.Exists(path))
            {
                var identity = BlockFile.Identify(path);
                if (_devices.FirstOrDefault(d => d.Identity == identity) is { } mounted)
                {
                    throw new ErrnoException(Errno.EBUSY, $"device '{path}' is mounted (as '{mounted.Path}'); dismount it before formatting it");
                }
                var store = new DeviceLabelStore(path);
                if (!force && store.HasLabel)
                {
                    throw new ErrnoException(Errno.EEXIST, $"device '{path}' already holds a volume label; format it with force=1 to overwrite it");
                }
                if (identity.IsBlockDevice)
                {
                    var size = BlockDeviceSize(path);
                    if (needed > size)
                    {
                        throw new ErrnoException(Errno.ENOSPC,
                            $"device '{path}' holds {size} bytes; a quota of {quotaKb} KB needs {needed} (1 MiB of label and the quota)");
                    }
                }
                else
                {
                    SetImageLength(path, FileMode.Open, needed);
                }
            }
            else
            {
                SetImageLength(path, FileMode.CreateNew, needed);
            }
            var label = new DeviceLabel(Guid.NewGuid(), quotaKb, 1, []);
            new DeviceLabelStore(path).Format(label);
            Log.Info("formatted device '{Path}' (device id {Id}, quota {Quota} KB)", path, label.DeviceId, quotaKb);
            return label;
        }
    }

    /// <summary>
    /// Mounts the device at <paramref name="path"/>: its physical instance <c>dev-XXXXXXXX</c> (not exported) and
    /// one exported volume instance per volume. Mounting the same path again returns the mounted device unchanged.
    /// </summary>
    /// <param name="path">The device's path.</param>
    /// <param name="numbers">
    /// The device numbers its instances had (a recorded mount, at start): each instance gets its own again unless
    /// another instance holds it (then the next free one, with a warning). Null: the next free numbers.
    /// </param>
    /// <exception cref="ErrnoException">
    /// ENOENT: no such file; EBUSY: another path names the device already mounted; EINVAL: no label, or not the
    /// device <paramref name="numbers"/> belong to; EEXIST: an instance already has a volume's name.
    /// </exception>
    public MountedDevice Mount(string path, DeviceNumbers? numbers = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        lock (_lock)
        {
            var identity = BlockFile.Identify(path);
            if (_devices.FirstOrDefault(d => d.Identity == identity) is { } mounted)
            {
                if (mounted.Path == path)
                {
                    return mounted;
                }
                throw new ErrnoException(Errno.EBUSY, $"device '{path}' is the device already mounted as '{mounted.Path}'");
            }
            var store = new DeviceLabelStore(path);
            var (label, sequence) = store.Read();
            if (numbers is not null && numbers.DeviceId != label.DeviceId)
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"device '{path}' now holds device id {label.DeviceId}, not {numbers.DeviceId} (it was formatted again, or another disk has its path)");
            }
            var physical = _registry.CreatePhysical(PhysicalName(label.DeviceId), path, exported: false, FreeOr(numbers?.Physical ?? 0, path));
            var created = new List<string>();
            try
            {
                foreach (var volume in label.Volumes)
                {
                    var number = numbers is not null && numbers.Volumes.TryGetValue(volume.Lvid, out var recorded) ? recorded : 0;
                    RegisterVolume(physical, volume, FreeOr(number, path));
                    created.Add(volume.Name);
                }
            }
            catch (ErrnoException e)
            {
                created.Reverse();
                created.ForEach(_registry.Delete);
                _registry.Delete(physical.Name);
                throw new ErrnoException(e.Errno, $"device '{path}' cannot be mounted: {e.Message}", e);
            }
            var device = new MountedDevice(path, identity, store, label, sequence, physical);
            _devices.Add(device);
            Log.Info("mounted device '{Path}' (device id {Id}, {Count} volumes)", path, label.DeviceId, label.Volumes.Count);
            return device;
        }
    }

    /// <summary>Flushes the device mounted as <paramref name="path"/> and deletes its volume instances and its physical instance.</summary>
    /// <param name="path">The path the device was mounted by.</param>
    /// <param name="force">
    /// Dismount even while volumes are open, and even when the flush fails (logged), as a pulled disk: the volumes are
    /// revoked (<see cref="InstanceRegistry.Revoke"/>), so that every open file on them gets ENXIO for each later read,
    /// write and flush, and closing it still works. One warning names the device and the open volumes.
    /// </param>
    /// <exception cref="ErrnoException">
    /// ENOENT: not mounted; EBUSY: a volume has an instance built on it (also with force: delete it first), or without
    /// force a volume is open; the flush's errno when it fails and force is false.
    /// </exception>
    public void Dismount(string path, bool force)
    {
        lock (_lock)
        {
            var device = Find(path);
            var volumes = device.Label.Volumes.Select(v => _registry.Get(v.Name)).ToList();
            foreach (var volume in volumes)
            {
                CheckBuiltOn(device, volume, "dismounted");
                if (!force)
                {
                    CheckClosed(device, volume, "dismounted");
                }
            }
            try
            {
                device.Physical.FlushAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (ErrnoException e) when (force)
            {
                Log.Warn("device '{Path}': flush failed ({Message}); dismounting anyway (force=1)", path, e.Message);
            }
            var open = volumes.Where(v => v.OpenCount > 0).Select(v => $"'{v.Name}' ({v.OpenCount} open)").ToList();
            if (force)
            {
                var reason = $"its device '{device.Path}' was dismounted with force=1";
                foreach (var volume in Enumerable.Reverse(volumes))
                {
                    _registry.Revoke(volume.Name, reason);
                }
                _registry.Revoke(device.Physical.Name, reason);
            }
            else
            {
                foreach (var volume in Enumerable.Reverse(volumes))
                {
                    _registry.Delete(volume.Name);
                }
                _registry.Delete(device.Physical.Name);
            }
            _devices.Remove(device);
            if (open.Count > 0)
            {
                Log.Warn("forced dismount of device '{Path}' (device id {Id}) with open volumes {Open}: their open files now fail with ENXIO",
                    device.Path, device.Label.DeviceId, string.Join(", ", open));
            }
            else
            {
                Log.Info("dismounted device '{Path}' (device id {Id})", device.Path, device.Label.DeviceId);
            }
        }
    }

    /// <summary>Dismounts every mounted device, as <see cref="Dismount"/> without force does.</summary>
    /// <exception cref="ErrnoException">EBUSY: a device's volume is open, or a flush failed; the devices before it stay dismounted.</exception>
    public void DismountAll()
    {
        lock (_lock)
        {
            foreach (var device in _devices.ToArray())
            {
                Dismount(device.Path, force: false);
            }
        }
    }

    /// <summary>The device mounted as <paramref name="path"/>.</summary>
    /// <exception cref="ErrnoException">ENOENT: no device is mounted as that path.</exception>
    public MountedDevice Find(string path)
    {
        lock (_lock)
        {
            return _devices.FirstOrDefault(d => d.Path == path)
                ?? throw new ErrnoException(Errno.ENOENT, $"device '{path}' is not mounted");
        }
    }

    /// <summary>
    /// Creates volume <paramref name="name"/> of <paramref name="quotaKb"/> KB on the device mounted as
    /// <paramref name="path"/>: commits the new volume table first, then creates the exported instance.
    /// </summary>
    /// <exception cref="ErrnoException">
    /// ENOENT: not mounted; EINVAL: bad name or quota; EEXIST: the name is taken; ENOSPC: the volumes' quotas
    /// would exceed the device quota, or no free extent is large enough.
    /// </exception>
    public (DeviceVolume Volume, DiskInstance Instance) CreateVolume(string path, string name, long quotaKb)
    {
        lock (_lock)
        {
            var device = Find(path);
            InstanceName.Validate(name);
            if (quotaKb <= 0)
            {
                throw new ErrnoException(Errno.EINVAL, $"device '{path}': a volume's quota must be a positive number of KB, not {quotaKb}");
            }
            if (_registry.TryGet(name, out _))
            {
                throw new ErrnoException(Errno.EEXIST, $"device '{path}': an instance named '{name}' already exists");
            }
            var label = device.Label;
            if (label.UsedKb + quotaKb > label.QuotaKb)
            {
                throw new ErrnoException(Errno.ENOSPC,
                    $"device '{path}': volume '{name}' of {quotaKb} KB does not fit in the quota ({label.UsedKb} of {label.QuotaKb} KB used)");
            }
            var volume = new DeviceVolume(label.NextLvid, name, quotaKb, FirstFit(device, name, quotaKb, out var sizeBlocks), sizeBlocks);
            var next = label with { NextLvid = label.NextLvid + 1, Volumes = [.. label.Volumes, volume] };
            device.Sequence = device.Store.Commit(next, device.Sequence);
            device.Label = next;
            DiskInstance instance;
            try
            {
                instance = RegisterVolume(device.Physical, volume);
            }
            catch
            {
                var undone = next with { Volumes = label.Volumes };
                device.Sequence = device.Store.Commit(undone, device.Sequence);
                device.Label = undone;
                throw;
            }
            Log.Info("created volume '{Name}' (lvid {Lvid}, {Quota} KB) on device '{Path}'", name, volume.Lvid, quotaKb, path);
            return (volume, instance);
        }
    }

    /// <summary>Destroys volume <paramref name="lvid"/> of the device mounted as <paramref name="path"/>: its instance, then its entry in the label.</summary>
    /// <exception cref="ErrnoException">ENOENT: not mounted or no such volume; EBUSY: the volume is open or has an instance built on it.</exception>
    public void DestroyVolume(string path, ulong lvid)
    {
        lock (_lock)
        {
            var device = Find(path);
            var label = device.Label;
            var volume = label.Volumes.FirstOrDefault(v => v.Lvid == lvid)
                ?? throw new ErrnoException(Errno.ENOENT, $"device '{path}' has no volume with lvid {lvid}");
            var instance = _registry.Get(volume.Name);
            CheckBuiltOn(device, instance, "destroyed");
            CheckClosed(device, instance, "destroyed");
            _registry.Delete(volume.Name);
            var next = label with { Volumes = [.. label.Volumes.Where(v => v.Lvid != lvid)] };
            try
            {
                device.Sequence = device.Store.Commit(next, device.Sequence);
            }
            catch
            {
                RegisterVolume(device.Physical, volume);
                throw;
            }
            device.Label = next;
            Log.Info("destroyed volume '{Name}' (lvid {Lvid}) on device '{Path}'", volume.Name, lvid, path);
        }
    }

    /// <summary>The name of a device's physical instance: <c>dev-</c> and the first 8 hex digits of its id.</summary>
    public static string PhysicalName(Guid deviceId) => $"dev-{deviceId:N}"[..12];

    /// <summary>Creates and registers (exported) the instance of <paramref name="volume"/>; when the registry refuses it, detaches it from the device again.</summary>
    private DiskInstance RegisterVolume(DiskInstance physical, DeviceVolume volume, uint deviceNumber = 0)
    {
        var disk = new VolumeDisk(physical, volume);
        try
        {
            return _registry.Register(disk, exported: true, deviceNumber);
        }
        catch
        {
            disk.Dispose();
            throw;
        }
    }

    private static void CheckClosed(MountedDevice device, DiskInstance volume, string what)
    {
        if (volume.OpenCount > 0)
        {
            throw new ErrnoException(Errno.EBUSY,
                $"device '{device.Path}': volume '{volume.Name}' is open ({volume.OpenCount} opens) and cannot be {what}; close it first");
        }
    }

    private static void CheckBuiltOn(MountedDevice device, DiskInstance volume, string what)
    {
        if (volume.Parents.Count > 0)
        {
            throw new ErrnoException(Errno.EBUSY,
                $"device '{device.Path}': volume '{volume.Name}' cannot be {what}: {string.Join(", ", volume.Parents.Select(p => $"'{p.Name}'"))} built on it");
        }
    }

    /// <summary><paramref name="number"/> when no instance holds it, else 0 (the next free one) with a warning.</summary>
    private uint FreeOr(uint number, string path)
    {
        if (number != 0 && _registry.TryGet(number, out var holder))
        {
            Log.Warn("device '{Path}': recorded device number {Number} is held by instance '{Holder}'; the device's instance gets a new number",
                path, number, holder.Name);
            return 0;
        }
        return number;
    }

    /// <summary>The first free extent after the label region that holds <paramref name="quotaKb"/>, aligned to the device's sectors.</summary>
    private static long FirstFit(MountedDevice device, string name, long quotaKb, out long sizeBlocks)
    {
        var align = Math.Max(1, device.Physical.SectorSize / BlockSize);
        sizeBlocks = RoundUp(quotaKb * 2, align);
        var deviceBlocks = device.Physical.Size / BlockSize;
        var candidate = DeviceLabelStore.LabelRegionBytes / BlockSize;
        foreach (var used in device.Label.Volumes.OrderBy(v => v.StartBlock))
        {
            if (candidate + sizeBlocks <= used.StartBlock)
            {
                break;
            }
            candidate = Math.Max(candidate, RoundUp(used.StartBlock + used.SizeBlocks, align));
        }
        if (candidate + sizeBlocks > deviceBlocks)
        {
            throw new ErrnoException(Errno.ENOSPC,
                $"device '{device.Path}': no free extent of {sizeBlocks} blocks for volume '{name}' ({deviceBlocks} blocks on the device)");
        }
        return candidate;
    }

    /// <summary>Opens (or creates) the image file and sets its length; .NET's I/O errors become errno naming the path.</summary>
    private static void SetImageLength(string path, FileMode mode, long length)
    {
        try
        {
            using var file = new FileStream(path, mode, FileAccess.ReadWrite);
            file.SetLength(length);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ErrnoException(Errno.EACCES, $"device '{path}' cannot be written: {e.Message}", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new ErrnoException(Errno.ENOENT, $"device '{path}': its directory does not exist", e);
        }
        catch (IOException e)
        {
            throw new ErrnoException(Errno.EIO, $"device '{path}' cannot be sized to {length} bytes: {e.Message}", e);
        }
    }

    private static long RoundUp(long value, long multiple) => (value + multiple - 1) / multiple * multiple;

    private static long BlockDeviceSize(string path)
    {
        using var probe = PhysicalDisk.Open("format-probe", path);
        return probe.Size;
    }
}
