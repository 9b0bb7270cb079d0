using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using VdmFuse.Native;

namespace VdmFuse.Engine;

/// <summary>
/// The disk instances of the daemon, by name and by device number. It creates, owns and deletes them.
/// </summary>
/// <remarks>
/// Names are unique and follow <see cref="InstanceName"/>. Device numbers are assigned 1, 2, 3 ... and
/// never reused while the registry lives. Thread-safe: the control path and the loop threads share it.
/// <see cref="Added"/> and <see cref="Removed"/> are raised after the change, outside the lock.
/// </remarks>
public sealed class InstanceRegistry : IDisposable
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    private readonly Lock _lock = new();
    private readonly Dictionary<string, DiskInstance> _byName = new(StringComparer.Ordinal);
    private readonly SortedDictionary<uint, DiskInstance> _byNumber = [];
    private uint _lastNumber;

    /// <summary>Raised after an instance has been added.</summary>
    public event Action<DiskInstance>? Added;

    /// <summary>Raised after an instance has been deleted (and disposed).</summary>
    public event Action<DiskInstance>? Removed;

    /// <summary>Every instance, ordered by device number.</summary>
    public IReadOnlyList<DiskInstance> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _byNumber.Values];
            }
        }
    }

    /// <summary>
    /// The device number the next instance created without one gets. Numbers only grow: a number once
    /// given (or reserved) is never handed out again, so a recorded instance keeps its own.
    /// </summary>
    public uint NextDeviceNumber
    {
        get
        {
            lock (_lock)
            {
                return _lastNumber + 1;
            }
        }
    }

    /// <summary>
    /// Reserves every device number below <paramref name="nextDeviceNumber"/> (those a configuration database
    /// has recorded): instances created without a number get <paramref name="nextDeviceNumber"/> or above.
    /// </summary>
    public void ReserveDeviceNumbersBelow(uint nextDeviceNumber)
    {
        lock (_lock)
        {
            if (nextDeviceNumber > 0)
            {
                _lastNumber = Math.Max(_lastNumber, nextDeviceNumber - 1);
            }
        }
    }

    /// <summary>Number of instances.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byNumber.Count;
            }
        }
    }

    /// <summary>Opens <paramref name="path"/> (image file or block device) as a new physical instance.</summary>
    /// <exception cref="ErrnoException">
    /// EINVAL (bad name), EEXIST (name taken), EBUSY (the same file or device already backs an instance,
    /// under whatever name), ENOENT/EISDIR/EACCES/... naming the path.
    /// </exception>
    public DiskInstance CreatePhysical(string name, string path, bool exported = true) => CreatePhysical(name, path, exported, 0);

    /// <summary>Opens <paramref name="path"/> as a new physical instance with device number <paramref name="deviceNumber"/> (0: the next free one).</summary>
    /// <exception cref="ErrnoException">As <see cref="CreatePhysical(string, string, bool)"/>, and EEXIST when the device number is taken.</exception>
    public DiskInstance CreatePhysical(string name, string path, bool exported, uint deviceNumber)
    {
        PhysicalDisk disk;
        lock (_lock)
        {
            CheckNewName(name);
            CheckNewNumber(deviceNumber);
            CheckNotBacking(path, BlockFile.Identify(path));
            disk = PhysicalDisk.Open(name, path);
            try
            {
                CheckNotBacking(path, disk.Identity);
            }
            catch
            {
                disk.Dispose();
                throw;
            }
            AddLocked(disk, exported, deviceNumber);
        }
        Log.Info("created physical instance '{Name}' (device {Number}, {Size} bytes, sector {Sector}, '{Path}'{Mode})",
            disk.Name, disk.DeviceNumber, disk.Size, disk.SectorSize, disk.Path, disk.Direct ? "" : ", buffered");
        Added?.Invoke(disk);
        return disk;
    }

    /// <summary>Creates a partition of <paramref name="size"/> 512-byte blocks at block <paramref name="start"/> of <paramref name="child"/>.</summary>
    /// <param name="name">The new instance's name.</param>
    /// <param name="child">The name or device number of the instance to partition.</param>
    /// <param name="start">First block, in 512-byte blocks.</param>
    /// <param name="size">Length, in 512-byte blocks.</param>
    /// <param name="exported">Whether it appears under dsk/ and rdsk/.</param>
    /// <exception cref="ErrnoException">EINVAL (bad name, out of range), EEXIST (name taken), ENOENT (no such child).</exception>
    public DiskInstance CreatePartition(string name, string child, long start, long size, bool exported = true) =>
        CreatePartition(name, child, start, size, exported, 0);

    /// <summary>Creates a partition with device number <paramref name="deviceNumber"/> (0: the next free one).</summary>
    /// <exception cref="ErrnoException">As <see cref="CreatePartition(string, string, long, long, bool)"/>, and EEXIST when the device number is taken.</exception>
    public DiskInstance CreatePartition(string name, string child, long start, long size, bool exported, uint deviceNumber)
    {
        PartitionDisk partition;
        lock (_lock)
        {
            CheckNewName(name);
            CheckNewNumber(deviceNumber);
            partition = new PartitionDisk(name, GetLocked(child), start, size);
            AddLocked(partition, exported, deviceNumber);
        }
        Log.Info("created partition instance '{Name}' (device {Number}, {Size} bytes, blocks {Start}+{Blocks} of '{Child}')",
            partition.Name, partition.DeviceNumber, partition.Size, start, size, partition.Child.Name);
        Added?.Invoke(partition);
        return partition;
    }

    /// <summary>Adds an instance built elsewhere (another subdriver); the registry takes ownership of it.</summary>
    /// <exception cref="ErrnoException">EEXIST: the name is taken.</exception>
    public DiskInstance Register(DiskInstance instance, bool exported = true) => Register(instance, exported, 0);

    /// <summary>Adds an instance built elsewhere with device number <paramref name="deviceNumber"/> (0: the next free one).</summary>
    /// <exception cref="ErrnoException">EEXIST: the name or the device number is taken.</exception>
    public DiskInstance Register(DiskInstance instance, bool exported, uint deviceNumber)
    {
        ArgumentNullException.ThrowIfNull(instance);
        lock (_lock)
        {
            CheckNewName(instance.Name);
            CheckNewNumber(deviceNumber);
            AddLocked(instance, exported, deviceNumber);
        }
        Log.Info("created {Subdriver} instance '{Name}' (device {Number}, {Size} bytes)",
            instance.Subdriver, instance.Name, instance.DeviceNumber, instance.Size);
        Added?.Invoke(instance);
        return instance;
    }

    /// <summary>Deletes an instance and disposes it (closing its backing file).</summary>
    /// <param name="nameOrNumber">A name or a decimal device number.</param>
    /// <exception cref="ErrnoException">ENOENT (unknown), EBUSY (open, another instance is built on it, or held: <see cref="DiskInstance.HeldBy"/>).</exception>
    public void Delete(string nameOrNumber)
    {
        DiskInstance instance;
        lock (_lock)
        {
            instance = GetLocked(nameOrNumber);
            instance.ThrowIfHeld("delete");
            var parents = instance.Parents;
            if (parents.Count > 0)
            {
                throw new ErrnoException(Errno.EBUSY,
                    $"cannot delete {instance}: {string.Join(", ", parents)} {(parents.Count == 1 ? "is" : "are")} built on it");
            }
            instance.CheckDeletable();
            var opens = instance.TryMarkDeleted();
            if (opens > 0)
            {
                throw new ErrnoException(Errno.EBUSY,
                    $"cannot delete {instance}: it is open ({opens} {(opens == 1 ? "open" : "opens")})");
            }
            _byName.Remove(instance.Name);
            _byNumber.Remove(instance.DeviceNumber);
            instance.Dispose();
        }
        Log.Info("deleted {Subdriver} instance '{Name}' (device {Number})", instance.Subdriver, instance.Name, instance.DeviceNumber);
        Removed?.Invoke(instance);
    }

    /// <summary>
    /// Deletes an instance even while it is open, as a pulled disk: it leaves the registry at once, its open files
    /// get ENXIO naming it and <paramref name="reason"/> for every later read, write and flush, and it is disposed
    /// once the I/O in progress on it has finished (see <see cref="DiskInstance.IsRevoked"/>). Never blocks.
    /// </summary>
    /// <param name="nameOrNumber">A name or a decimal device number.</param>
    /// <param name="reason">Why, as a clause: "its device '/dev/sdb' was dismounted with force=1".</param>
    /// <returns>The number of open files the instance had.</returns>
    /// <exception cref="ErrnoException">ENOENT (unknown), EBUSY (an instance that is not revoked is built on it).</exception>
    public int Revoke(string nameOrNumber, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        DiskInstance instance;
        lock (_lock)
        {
            instance = GetLocked(nameOrNumber);
            var parents = instance.Parents.Where(p => !p.IsRevoked).ToList();
            if (parents.Count > 0)
            {
                throw new ErrnoException(Errno.EBUSY,
                    $"cannot revoke {instance}: {string.Join(", ", parents)} {(parents.Count == 1 ? "is" : "are")} built on it");
            }
            _byName.Remove(instance.Name);
            _byNumber.Remove(instance.DeviceNumber);
        }
        var opens = instance.OpenCount;
        instance.Revoke(reason);
        Log.Info("revoked {Subdriver} instance '{Name}' (device {Number}, {Opens} open files): {Reason}",
            instance.Subdriver, instance.Name, instance.DeviceNumber, opens, reason);
        Removed?.Invoke(instance);
        return opens;
    }

    /// <summary>
    /// Links <paramref name="child"/> under <paramref name="parent"/> as an extra child, in the role
    /// <paramref name="role"/> describes, if the parent's subdriver accepts it.
    /// </summary>
    /// <param name="parent">The parent's name or device number.</param>
    /// <param name="child">The child's name or device number.</param>
    /// <param name="role">The child's role fields, where the parent's subdriver has a role packet.</param>
    /// <exception cref="ErrnoException">
    /// ENOENT (either is unknown), EINVAL (the same instance, a link that would make a cycle, or refused by
    /// the parent's subdriver), EEXIST (already a child of the parent).
    /// </exception>
    public void LinkChild(string parent, string child, IReadOnlyDictionary<string, string>? role = null)
    {
        DiskInstance parentInstance, childInstance;
        lock (_lock)
        {
            parentInstance = GetLocked(parent);
            childInstance = GetLocked(child);
            if (parentInstance == childInstance)
            {
                throw new ErrnoException(Errno.EINVAL, $"{parentInstance.Description} cannot be a child of itself");
            }
            childInstance.ThrowIfHeld($"link under {parentInstance.Description}");
            if (parentInstance.Children.Contains(childInstance))
            {
                throw new ErrnoException(Errno.EEXIST, $"'{childInstance.Name}' is already a child of {parentInstance.Description}");
            }
            if (IsBeneath(parentInstance, childInstance))
            {
                throw new ErrnoException(Errno.EINVAL,
                    $"linking '{childInstance.Name}' under {parentInstance.Description} would make a cycle: '{parentInstance.Name}' is beneath '{childInstance.Name}'");
            }
            parentInstance.LinkChild(childInstance, role ?? new Dictionary<string, string>());
        }
        Log.Info("linked {0} as a child of {1}", childInstance.Description, parentInstance.Description);
    }

    /// <summary>Unlinks <paramref name="child"/> from <paramref name="parent"/>, if the parent's subdriver lets it go.</summary>
    /// <exception cref="ErrnoException">
    /// ENOENT (either is unknown), EINVAL (not a child of the parent, or refused by its subdriver: a
    /// partition's data child).
    /// </exception>
    public void UnlinkChild(string parent, string child)
    {
        DiskInstance parentInstance, childInstance;
        lock (_lock)
        {
            parentInstance = GetLocked(parent);
            childInstance = GetLocked(child);
            if (!parentInstance.Children.Contains(childInstance))
            {
                throw new ErrnoException(Errno.EINVAL, $"'{childInstance.Name}' is not a child of {parentInstance.Description}");
            }
            parentInstance.UnlinkChild(childInstance);
        }
        Log.Info("unlinked {0} from {1}", childInstance.Description, parentInstance.Description);
    }

    /// <summary>Changes attributes of an instance (see <see cref="DiskInstance.UpdateAttributes"/>).</summary>
    /// <exception cref="ErrnoException">ENOENT (unknown), EINVAL (not updatable, out of range), EBUSY (in use, or held: <see cref="DiskInstance.HeldBy"/>).</exception>
    public DiskInstance UpdateAttributes(string nameOrNumber, IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        DiskInstance instance;
        lock (_lock)
        {
            instance = GetLocked(nameOrNumber);
            instance.ThrowIfHeld("change the attributes of");
            instance.UpdateAttributes(attributes);
        }
        if (attributes.Count > 0)
        {
            Log.Info("updated {0}: {1} ({2} bytes)", instance.Description,
                string.Join(" ", attributes.Select(a => $"{a.Key}={a.Value}")), instance.Size);
        }
        return instance;
    }

    /// <summary>Finds an instance by name or by decimal device number.</summary>
    /// <exception cref="ErrnoException">ENOENT: no such instance.</exception>
    public DiskInstance Get(string nameOrNumber)
    {
        lock (_lock)
        {
            return GetLocked(nameOrNumber);
        }
    }

    /// <summary>Finds an instance by name or by decimal device number.</summary>
    public bool TryGet(string nameOrNumber, [NotNullWhen(true)] out DiskInstance? instance)
    {
        lock (_lock)
        {
            return TryGetLocked(nameOrNumber, out instance);
        }
    }

    /// <summary>Finds an instance by device number.</summary>
    public bool TryGet(uint deviceNumber, [NotNullWhen(true)] out DiskInstance? instance)
    {
        lock (_lock)
        {
            return _byNumber.TryGetValue(deviceNumber, out instance);
        }
    }

    /// <summary>Disposes every instance, those built on others first.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var instance in _byNumber.Values.Reverse())
            {
                instance.Dispose();
            }
            _byName.Clear();
            _byNumber.Clear();
        }
    }

    private DiskInstance GetLocked(string nameOrNumber)
    {
        if (TryGetLocked(nameOrNumber, out var instance))
        {
            return instance;
        }
        if (!uint.TryParse(nameOrNumber, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            // A name no instance could have is a mistake (EINVAL), not a missing instance.
            InstanceName.Validate(nameOrNumber);
        }
        throw new ErrnoException(Errno.ENOENT, $"there is no instance named or numbered '{nameOrNumber}'");
    }

    private bool TryGetLocked(string nameOrNumber, [NotNullWhen(true)] out DiskInstance? instance)
    {
        if (_byName.TryGetValue(nameOrNumber, out instance))
        {
            return true;
        }
        if (uint.TryParse(nameOrNumber, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return _byNumber.TryGetValue(number, out instance);
        }
        return false;
    }

    /// <summary>Whether <paramref name="instance"/> is <paramref name="top"/>'s descendant (or <paramref name="top"/> itself).</summary>
    private static bool IsBeneath(DiskInstance instance, DiskInstance top)
    {
        var pending = new Stack<DiskInstance>();
        var seen = new HashSet<DiskInstance>();
        pending.Push(top);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (current == instance)
            {
                return true;
            }
            if (seen.Add(current))
            {
                foreach (var child in current.Children)
                {
                    pending.Push(child);
                }
            }
        }
        return false;
    }

    private void CheckNewName(string name)
    {
        InstanceName.Validate(name);
        if (_byName.TryGetValue(name, out var existing))
        {
            throw new ErrnoException(Errno.EEXIST, $"an instance named '{name}' already exists ({existing.Subdriver}, device {existing.DeviceNumber})");
        }
    }

    private void CheckNotBacking(string path, BackingIdentity identity)
    {
        foreach (var instance in _byNumber.Values)
        {
            if (instance is PhysicalDisk physical && physical.Identity == identity)
            {
                throw new ErrnoException(Errno.EBUSY,
                    $"'{path}' already backs {physical} (opened as '{physical.Path}')");
            }
        }
    }

    private void CheckNewNumber(uint deviceNumber)
    {
        if (deviceNumber != 0 && _byNumber.TryGetValue(deviceNumber, out var existing))
        {
            throw new ErrnoException(Errno.EEXIST, $"device number {deviceNumber} is taken by instance '{existing.Name}' ({existing.Subdriver})");
        }
        if (deviceNumber == uint.MaxValue)
        {
            throw new ErrnoException(Errno.EINVAL, $"device number {deviceNumber} means no device and cannot be given to an instance");
        }
    }

    private void AddLocked(DiskInstance instance, bool exported, uint deviceNumber)
    {
        if (deviceNumber == 0)
        {
            deviceNumber = ++_lastNumber;
        }
        else
        {
            _lastNumber = Math.Max(_lastNumber, deviceNumber);
        }
        instance.DeviceNumber = deviceNumber;
        instance.Exported = exported;
        _byName.Add(instance.Name, instance);
        _byNumber.Add(instance.DeviceNumber, instance);
    }
}
