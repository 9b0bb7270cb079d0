namespace VdmFuse.Native;

/// <summary>
/// What a backing path really is, whatever name reaches it: st_rdev for a block device, st_dev and
/// st_ino for a regular file. Two paths with equal identities are the same storage.
/// </summary>
/// <param name="DeviceId">st_rdev of a block device, or st_dev of the file system holding a regular file.</param>
/// <param name="Inode">st_ino of a regular file; 0 for a block device.</param>
/// <param name="IsBlockDevice">Whether the path is a block device.</param>
public readonly record struct BackingIdentity(ulong DeviceId, ulong Inode, bool IsBlockDevice)
{
    /// <inheritdoc/>
    public override string ToString() => IsBlockDevice
        ? $"block device {DeviceId >> 8 & 0xfff}:{(DeviceId & 0xff) | (DeviceId >> 12 & 0xfff00)}"
        : $"inode {Inode} on device {DeviceId:x}";
}
