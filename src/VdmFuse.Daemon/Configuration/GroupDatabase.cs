using System.Globalization;
using System.Runtime.InteropServices;
using VdmFuse.Daemon.ControlPlane;

namespace VdmFuse.Daemon.Configuration;

/// <summary>Looks groups up through the C library (getgrnam, getgrgid), so that NSS sources count as /etc/group does.</summary>
internal static class GroupDatabase
{
    /// <summary>
    /// The group <paramref name="nameOrGid"/> names: a group name, or a decimal gid (which need not have a
    /// name; it is then shown as its number). Null when a name is not a group of this system.
    /// </summary>
    public static AdminGroup? Resolve(string nameOrGid)
    {
        if (uint.TryParse(nameOrGid, NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
        {
            return new AdminGroup(gid, NameOf(gid) ?? nameOrGid);
        }
        var entry = getgrnam(nameOrGid);
        return entry == IntPtr.Zero ? null : new AdminGroup(GidOf(entry), nameOrGid);
    }

    private static string? NameOf(uint gid)
    {
        var entry = getgrgid(gid);
        return entry == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(entry));
    }

    // struct group { char *gr_name; char *gr_passwd; gid_t gr_gid; char **gr_mem; }
    private static uint GidOf(IntPtr entry) => (uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size);

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern IntPtr getgrnam(string name);

    [DllImport("libc")]
    private static extern IntPtr getgrgid(uint gid);
}
