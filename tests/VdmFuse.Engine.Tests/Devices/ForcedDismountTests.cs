using VdmFuse.Engine.Devices;
using VdmFuse.Native;

namespace VdmFuse.Engine.Tests.Devices;

/// <summary>dismount-dev force=1: the open volumes are revoked as a pulled disk, and the device can be mounted again.</summary>
public sealed class ForcedDismountTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("vdm-forced-");
    private readonly InstanceRegistry _registry = new();
    private readonly DeviceManager _devices;
    private readonly string _path;

    public ForcedDismountTests()
    {
        _devices = new DeviceManager(_registry);
        _path = Path.Combine(_dir.FullName, "a.dev");
        _devices.Format(_path, 2048, force: false);
        _devices.Mount(_path);
    }

    public void Dispose()
    {
        _registry.Dispose();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Dismount_ForcedWithOpenVolume_EveryLaterIoFailsWithEnxioAndCloseWorks()
    {
        var (_, volume) = _devices.CreateVolume(_path, "v1", 512);
        var data = Filled(4096, 0x5a);
        await volume.WriteAsync(0, data);
        volume.AddOpen();

        _devices.Dismount(_path, force: true);

        Assert.Empty(_devices.Devices);
        Assert.False(_registry.TryGet("v1", out _));
        Assert.Equal(0, _registry.Count);
        Assert.True(volume.IsRevoked);
        var errors = new List<ErrnoException>
        {
            await Assert.ThrowsAsync<ErrnoException>(() => volume.ReadAsync(0, new byte[4096]).AsTask()),
            await Assert.ThrowsAsync<ErrnoException>(() => volume.WriteAsync(0, data).AsTask()),
            await Assert.ThrowsAsync<ErrnoException>(() => volume.FlushAsync().AsTask()),
            await Assert.ThrowsAsync<ErrnoException>(() => volume.ReadUnalignedAsync(3, new byte[10]).AsTask()),
            await Assert.ThrowsAsync<ErrnoException>(() => volume.WriteUnalignedAsync(3, new byte[10]).AsTask()),
        };
        Assert.All(errors, e => Assert.Equal(Errno.ENXIO, e.Errno));
        Assert.All(errors, e => Assert.Contains($"volume 'v1'", e.Message));
        Assert.All(errors, e => Assert.Contains($"its device '{_path}' was dismounted with force=1", e.Message));
        Assert.Equal(Errno.ENOENT, Assert.Throws<ErrnoException>(volume.AddOpen).Errno);
        volume.RemoveOpen();
        Assert.Equal(0, volume.OpenCount);
    }

    [Fact]
    public async Task Dismount_ForcedThenMountedAgain_DataBack()
    {
        var (_, volume) = _devices.CreateVolume(_path, "v1", 512);
        var data = Filled(8192, 0xc3);
        await volume.WriteAsync(4096, data);
        volume.AddOpen();
        _devices.Dismount(_path, force: true);

        _devices.Mount(_path);

        var again = _registry.Get("v1");
        Assert.NotSame(volume, again);
        Assert.NotEqual(volume.DeviceNumber, again.DeviceNumber);
        var read = new byte[8192];
        await again.ReadAsync(4096, read);
        Assert.Equal(data, read);
        Assert.Equal(0, again.OpenCount);
    }

    [Fact]
    public void Dismount_ForcedWithAnInstanceBuiltOnAVolume_FailsWithEbusyNamingIt()
    {
        _devices.CreateVolume(_path, "v1", 512);
        _registry.CreatePartition("p", "v1", 0, 16);

        var e = Assert.Throws<ErrnoException>(() => _devices.Dismount(_path, force: true));

        Assert.Equal(Errno.EBUSY, e.Errno);
        Assert.Contains("'p'", e.Message);
        Assert.Single(_devices.Devices);
        Assert.True(_registry.TryGet("v1", out _));
    }

    [Fact]
    public async Task Revoke_WithReadInProgress_DisposesOnlyWhenItFinishes()
    {
        var disk = new HeldDisk("held");
        _registry.Register(disk);
        disk.AddOpen();
        var pending = disk.ReadAsync(0, new byte[512]);

        Assert.Equal(1, _registry.Revoke("held", "the test pulled it"));

        Assert.False(disk.Disposed, "disposed while a read was in progress");
        var refused = await Assert.ThrowsAsync<ErrnoException>(() => disk.ReadAsync(512, new byte[512]).AsTask());
        Assert.Equal(Errno.ENXIO, refused.Errno);
        Assert.Contains("the test pulled it", refused.Message);
        disk.Complete();
        await pending;
        Assert.True(disk.Disposed, "not disposed once the read in progress finished");
    }

    [Fact]
    public void Revoke_Idle_DisposesAtOnce()
    {
        var disk = new HeldDisk("idle");
        _registry.Register(disk);

        Assert.Equal(0, _registry.Revoke("idle", "gone"));

        Assert.True(disk.Disposed);
        Assert.False(_registry.TryGet("idle", out _));
    }

    private static byte[] Filled(int length, byte value)
    {
        var data = new byte[length];
        Array.Fill(data, value);
        return data;
    }

    /// <summary>A disk whose reads wait until the test completes them, and which says when it was disposed.</summary>
    private sealed class HeldDisk(string name) : DiskInstance(name, [])
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Disposed { get; private set; }

        public override string Subdriver => "held";

        public override long Size => 1 << 20;

        public void Complete() => _release.SetResult();

        protected override ValueTask ReadCoreAsync(long offset, Memory<byte> buffer) => new(_release.Task);

        protected override ValueTask WriteCoreAsync(long offset, ReadOnlyMemory<byte> buffer) => ValueTask.CompletedTask;

        protected override ValueTask FlushCoreAsync() => ValueTask.CompletedTask;

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
