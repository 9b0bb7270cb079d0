using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using VdmFuse.Native;

namespace VdmFuse.Fuse.Transport;

/// <summary>
/// A FUSE mount and its /dev/fuse descriptor. As root the device is opened and mount(2) called directly
/// (type <c>fuse.vdmfuse</c>, source <c>vdmfuse</c>); otherwise <c>fusermount3</c> mounts and hands the
/// descriptor back over a socket. Disposing closes the descriptor and, if still mounted, detaches the mount.
/// </summary>
public sealed unsafe class FuseMount : IDisposable
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    /// <summary>The largest READ the kernel is allowed to send (the max_read mount option).</summary>
    public const int MaxRead = 1 << 20;

    /// <summary>FUSE_SUPER_MAGIC, the f_type statfs(2) reports for a FUSE mount.</summary>
    public const long FuseSuperMagic = 0x65735546;

    private readonly bool _viaFusermount;
    private int _fd;
    private bool _mounted;

    private FuseMount(string mountpoint, int fd, bool viaFusermount)
    {
        Mountpoint = mountpoint;
        _fd = fd;
        _viaFusermount = viaFusermount;
        _mounted = true;
        Device = MountTable.FuseDeviceAt(mountpoint);
    }

    /// <summary>The absolute path of the mount point.</summary>
    public string Mountpoint { get; }

    /// <summary>The /dev/fuse descriptor to serve with a <see cref="Session.FuseSession"/>; -1 once disposed.</summary>
    public int DeviceFd => _fd;

    /// <summary>True until <see cref="Unmount"/> succeeds.</summary>
    public bool IsMounted => _mounted;

    /// <summary>
    /// The mount's device (st_dev of its root) as /proc/self/mountinfo showed it right after mounting, or null when it
    /// was not found there. For FUSE the major is 0 and the minor is the connection's number under
    /// <c>/sys/fs/fuse/connections/</c>.
    /// </summary>
    public (uint Major, uint Minor)? Device { get; }

    /// <summary>
    /// Whether the kernel still lists this mount (<see cref="Device"/>) in /proc/self/mountinfo. Sends no request to
    /// the file system, so it can be asked after the session ended: when the session read ENODEV and the mount is
    /// still listed, the connection was aborted (or failed) rather than unmounted, and the mount point answers
    /// ENOTCONN until detached. False when the device was never found.
    /// </summary>
    public bool IsStillListed() => Device is { } device && MountTable.HasFuseDevice(device.Major, device.Minor);

    /// <summary>
    /// Records that the mount is gone without this process unmounting it (an external umount ended the session), so
    /// that <see cref="Dispose"/> does not try to unmount it again.
    /// </summary>
    public void ForgetUnmounted() => _mounted = false;

    /// <summary>
    /// Mounts a FUSE file system at <paramref name="mountpoint"/>, creating the directory if missing and first
    /// detaching a stale mount left there by a daemon that died.
    /// </summary>
    /// <exception cref="ErrnoException">The device cannot be opened or the mount fails; the message names the mount point.</exception>
    public static FuseMount Mount(string mountpoint, FuseMountOptions? options = null) =>
        LibC.geteuid() == 0
            ? MountDirectly(mountpoint, options ?? new FuseMountOptions())
            : MountWithFusermount(mountpoint, options ?? new FuseMountOptions());

    /// <summary>Mounts with open("/dev/fuse") and mount(2); needs CAP_SYS_ADMIN.</summary>
    internal static FuseMount MountDirectly(string mountpoint, FuseMountOptions? options = null)
    {
        options ??= new FuseMountOptions();
        string path = PrepareMountpoint(mountpoint);
        int fd;
        fixed (byte* device = "/dev/fuse\0"u8)
        {
            fd = LibC.open(device, LibC.O_RDWR | LibC.O_CLOEXEC, 0);
        }
        if (fd < 0)
        {
            int errno = LibC.errno;
            throw new ErrnoException(errno, $"Cannot mount {path}: opening /dev/fuse failed with {Errno.Name(errno)}.");
        }
        string data = $"fd={fd},rootmode=40000,user_id={(uint)LibC.geteuid()},group_id={(uint)LibC.getegid()}{options.KernelOptions},max_read={MaxRead}";
        int rc;
        fixed (byte* source = "vdmfuse\0"u8, type = "fuse.vdmfuse\0"u8, target = CString(path), mountData = CString(data))
        {
            rc = LibC.mount(source, target, type, LibC.MS_NOSUID | LibC.MS_NODEV, mountData);
        }
        if (rc != 0)
        {
            int errno = LibC.errno;
            LibC.close(fd);
            throw new ErrnoException(errno, $"Cannot mount {path}: mount(2) failed with {Errno.Name(errno)}.");
        }
        Log.Info("Mounted vdmfuse at {0}", path);
        return new FuseMount(path, fd, viaFusermount: false);
    }

    /// <summary>Mounts with fusermount3, which sends the device descriptor back over a socket pair.</summary>
    internal static FuseMount MountWithFusermount(string mountpoint, FuseMountOptions? options = null)
    {
        options ??= new FuseMountOptions();
        string path = PrepareMountpoint(mountpoint);
        int fd = Fusermount.Mount(path, $"fsname=vdmfuse,subtype=vdmfuse{options.KernelOptions}");
        Log.Info("Mounted vdmfuse at {0} through fusermount3", path);
        return new FuseMount(path, fd, viaFusermount: true);
    }

    /// <summary>Unmounts; <paramref name="lazy"/> detaches at once even while the mount is busy (MNT_DETACH).</summary>
    /// <exception cref="ErrnoException">The unmount fails (EBUSY when busy and not lazy); the message names the mount point.</exception>
    public void Unmount(bool lazy)
    {
        if (!_mounted)
        {
            return;
        }
        Detach(Mountpoint, lazy, _viaFusermount);
        _mounted = false;
        Log.Info("Unmounted vdmfuse from {0}{1}", Mountpoint, lazy ? " (lazily)" : "");
    }

    /// <summary>
    /// Detaches a mount left at <paramref name="mountpoint"/> by a daemon that died and logs a warning; refuses
    /// with EBUSY when a live FUSE file system is mounted there. Returns whether a stale mount was detached.
    /// </summary>
    /// <remarks>
    /// statfs(2) is the probe: unlike stat(2), whose answer the kernel may take from its attribute cache for a
    /// while after the daemon died, statfs always asks the server and fails with ENOTCONN when it is gone.
    /// </remarks>
    /// <exception cref="ErrnoException">EBUSY when a live FUSE mount is there, or the stale mount cannot be detached.</exception>
    public static bool DetachIfStale(string mountpoint)
    {
        string path = Path.GetFullPath(mountpoint);
        byte* buffer = stackalloc byte[256];
        int rc;
        fixed (byte* target = CString(path))
        {
            rc = NativeMethods.statfs(target, buffer);
        }
        int errno = rc == 0 ? 0 : Marshal.GetLastPInvokeError();
        if (rc == 0)
        {
            // f_type is the first field of struct statfs on 64-bit Linux.
            if (*(long*)buffer == FuseSuperMagic)
            {
                throw new ErrnoException(Errno.EBUSY, $"Cannot mount {path}: a FUSE file system is already mounted there and answering.");
            }
            return false;
        }
        if (errno != Errno.ENOTCONN)
        {
            return false;
        }
        Log.Warn("Detaching the stale FUSE mount at {0}: its daemon is gone (ENOTCONN)", path);
        Detach(path, lazy: true, viaFusermount: LibC.geteuid() != 0);
        return true;
    }

    /// <summary>
    /// Closes the device descriptor and leaves the mount in place, as a daemon that dies would: the kernel
    /// aborts the connection and the mount point answers ENOTCONN until detached.
    /// </summary>
    internal void CloseDevice()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            LibC.close(fd);
        }
        _mounted = false;
    }

    /// <summary>Closes the device descriptor, then detaches the mount lazily if it is still mounted.</summary>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            LibC.close(fd);
        }
        if (_mounted)
        {
            try
            {
                Unmount(lazy: true);
            }
            catch (ErrnoException e)
            {
                Log.Warn(e.Message);
            }
        }
    }

    private static string PrepareMountpoint(string mountpoint)
    {
        string path = Path.GetFullPath(mountpoint);
        DetachIfStale(path);
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ErrnoException(Errno.EIO, $"Cannot create the mount point {path}: {e.Message}", e);
        }
        return path;
    }

    private static void Detach(string path, bool lazy, bool viaFusermount)
    {
        if (viaFusermount)
        {
            Fusermount.Unmount(path, lazy);
            return;
        }
        int rc;
        fixed (byte* target = CString(path))
        {
            rc = NativeMethods.umount2(target, lazy ? LibC.MNT_DETACH : 0);
        }
        if (rc != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new ErrnoException(errno, $"Cannot unmount {path}: umount2 failed with {Errno.Name(errno)}.");
        }
    }

    internal static byte[] CString(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}
