using VdmFuse.Integration.Tests.Infrastructure;
using Xunit;

namespace VdmFuse.Integration.Tests;

// vdmmirr(7)'s framework rules through the real mount: link, unlink, delete and open, with their errnos.
public sealed partial class MirrorFaultTests
{
    private const int EINVAL = 22;
    private const int EBUSY = 16;
    private const int ENXIO = 6;

    [Fact]
    public void LinkUnlinkDeleteOpen_ThroughTheMount_FollowThePage()
    {
        CreateMirror("fa");
        Assert.Equal("usable", StateOf("fa"));

        // A mirror must have one child.
        var last = ControlFile.SendExpectingError(Mountpoint, "unlink-child-instance parent=m child=fa", EINVAL, "EINVAL");
        Assert.Contains("'fa' is the last image of mirror 'm'", last.ErrorMessage, StringComparison.Ordinal);

        // An image added to a mirror is corrupt until synchronised.
        Send("link-child-instance parent=m child=fb");
        Assert.Equal("corrupt", StateOf("fb"));

        using (var open = new FileStream(Path.Combine(Mountpoint, "rdsk", "m"), FileMode.Open, FileAccess.ReadWrite))
        {
            // The last usable image of an open mirror cannot be removed; any other image can.
            var lastUsable = ControlFile.SendExpectingError(Mountpoint, "unlink-child-instance parent=m child=fa", EBUSY, "EBUSY");
            Assert.Contains("last usable image of mirror 'm', which is open", lastUsable.ErrorMessage, StringComparison.Ordinal);
            var deleteOpen = ControlFile.SendExpectingError(Mountpoint, "delete-instance name=m", EBUSY, "EBUSY");
            Assert.Contains("open", deleteOpen.ErrorMessage, StringComparison.Ordinal);
            Send("unlink-child-instance parent=m child=fb");
        }

        // Up to three images.
        Send("link-child-instance parent=m child=fb");
        Send("link-child-instance parent=m child=fc");
        Send("create-instance subdriver=partition name=d child=a start=0 size=2048");
        var fourth = ControlFile.SendExpectingError(Mountpoint, "link-child-instance parent=m child=d", EINVAL, "EINVAL");
        Assert.Contains("already has 3 images", fourth.ErrorMessage, StringComparison.Ordinal);

        // Below minimum-images-required-to-use, opens fail with ENXIO; -1 disables the test.
        Send("update-attributes name=m minimum-images-required-to-use=2");
        var refused = Assert.ThrowsAny<IOException>(() => new FileStream(Path.Combine(Mountpoint, "rdsk", "m"), FileMode.Open, FileAccess.Read).Dispose());
        Assert.Equal(ENXIO, refused.HResult & 0xffff);
        ControlFile.SendExpectingError(Mountpoint, "dsk-get name=m", EINVAL, "EINVAL");
        Send("update-attributes name=m minimum-images-required-to-use=-1");
        new FileStream(Path.Combine(Mountpoint, "rdsk", "m"), FileMode.Open, FileAccess.Read).Dispose();

        // A mirror that is syncing cannot be deleted; once the sync is terminated it can.
        Send("sync-images name=m source=fa destinations=fb milliseconds-between-sync-io=5000");
        var deleteSyncing = ControlFile.SendExpectingError(Mountpoint, "delete-instance name=m", EBUSY, "EBUSY");
        Assert.Contains("a sync is running", deleteSyncing.ErrorMessage, StringComparison.Ordinal);
        Send("terminate-sync name=m destination=fb");
        WaitForSyncEnd();
        WaitUntil(() => ControlFile.Send(Mountpoint, "delete-instance name=m").IsOk, "mirror m can be deleted");
        Assert.False(File.Exists(Path.Combine(Mountpoint, "rdsk", "m")));
    }
}
