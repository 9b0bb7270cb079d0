using VdmFuse.Engine.Fault;
using VdmFuse.Native;
using VdmFuse.Testing;

namespace VdmFuse.Engine.Tests.Fault;

/// <summary>The fault subdriver over a real image file opened with O_DIRECT.</summary>
public sealed class FaultDiskTests : IDisposable
{
    private const int MiB = 1 << 20;
    private const int Block = 512;
    private readonly ScratchDirectory _scratch = new();
    private readonly PhysicalDisk _disk;
    private readonly FaultDisk _fault;

    public FaultDiskTests()
    {
        _disk = PhysicalDisk.Open("d0", _scratch.CreateFile("d0.img", 4 * MiB));
        _fault = new FaultDisk("f0", _disk);
    }

    public void Dispose()
    {
        _fault.Dispose();
        _disk.Dispose();
        _scratch.Dispose();
    }

    [Fact]
    public void Create_OverAChild_HasItsSizeAndAttributes()
    {
        Assert.Equal("fault", _fault.Subdriver);
        Assert.Equal(_disk.Size, _fault.Size);
        Assert.Equal(_disk.SectorSize, _fault.SectorSize);
        Assert.Same(_fault, Assert.Single(_disk.Parents));
        Assert.Equal(
            [new("child", "d0"), new("child-device-number", "0"), new("rules", "0"), new("hits", "0")],
            _fault.Attributes);
        Assert.Equal(["f0@4096", "d0@4096"], _fault.AddressOf(4096).Select(level => $"{level.Instance.Name}@{level.Offset}"));
    }

    [Fact]
    public async Task ReadAndWrite_WithoutRules_ReachTheChild()
    {
        var data = TestData.Random(8192, seed: 1);
        await _fault.WriteAsync(MiB, data);
        var back = new byte[8192];
        await _disk.ReadAsync(MiB, back);
        Assert.Equal(data, back);
        var again = new byte[8192];
        await _fault.ReadAsync(MiB, again);
        Assert.Equal(data, again);
        await _fault.FlushAsync();
    }

    [Fact]
    public async Task WriteRule_OnItsBlocks_FailsWritesButNotReads()
    {
        var rule = _fault.AddRule(FaultOperation.Write, 100, 8, Errno.EIO, 0);

        var error = await Assert.ThrowsAsync<ErrnoException>(async () => await _fault.WriteAsync(100 * Block, TestData.Filled(Block, 7)));
        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Equal("fault instance 'f0': rule 1 failed the write of block 100 with EIO (injected)", error.Message);
        await _fault.ReadAsync(100 * Block, new byte[Block]);
        Assert.Equal(1, rule.Hits);
        Assert.Equal(1, _fault.Rules.Hits);
        Assert.Equal(1, _fault.Statistics.Errors);
    }

    [Fact]
    public async Task ReadRule_OnItsBlocks_FailsReadsButNotWrites()
    {
        _fault.AddRule(FaultOperation.Read, 10, 1, Errno.EIO, 0);

        await _fault.WriteAsync(10 * Block, TestData.Filled(Block, 1));
        var error = await Assert.ThrowsAsync<ErrnoException>(async () => await _fault.ReadAsync(10 * Block, new byte[Block]));
        Assert.Equal(Errno.EIO, error.Errno);
    }

    [Fact]
    public async Task BothRule_FailsReadsAndWrites()
    {
        _fault.AddRule(FaultOperation.Both, 10, 1, Errno.EIO, 0);

        await Assert.ThrowsAsync<ErrnoException>(async () => await _fault.ReadAsync(10 * Block, new byte[Block]));
        await Assert.ThrowsAsync<ErrnoException>(async () => await _fault.WriteAsync(10 * Block, new byte[Block]));
        Assert.Equal(2, _fault.Rules.Rules[0].Hits);
    }

    [Theory]
    [InlineData(92, 8, false)]   // ends just before the range
    [InlineData(93, 8, true)]    // its last block is the range's first
    [InlineData(100, 1, true)]
    [InlineData(107, 1, true)]   // the range's last block
    [InlineData(108, 8, false)]  // starts just after the range
    [InlineData(96, 16, true)]   // covers the range
    [InlineData(0, 2048, true)]  // one large I/O over it
    public async Task Rule_OverlapWithTheIo_DecidesWhetherTheWholeIoFails(long startBlock, int blocks, bool fails)
    {
        _fault.AddRule(FaultOperation.Write, 100, 8, Errno.EIO, 0);
        var data = TestData.Filled(blocks * Block, 0x5a);

        var write = async () => await _fault.WriteAsync(startBlock * Block, data);

        if (fails)
        {
            await Assert.ThrowsAsync<ErrnoException>(write);
            var back = new byte[blocks * Block];
            await _disk.ReadAsync(startBlock * Block, back);
            Assert.All(back, b => Assert.Equal(0, b)); // nothing reached the child: no partial transfer
        }
        else
        {
            await write();
            var back = new byte[blocks * Block];
            await _disk.ReadAsync(startBlock * Block, back);
            Assert.Equal(data, back);
        }
    }

    [Fact]
    public async Task Rule_WithTimes_FailsThatManyIosThenIsRemoved()
    {
        var rule = _fault.AddRule(FaultOperation.Read, 0, 1, Errno.EIO, 2);
        Assert.Equal(2, rule.Remaining);

        await Assert.ThrowsAsync<ErrnoException>(async () => await _fault.ReadAsync(0, new byte[Block]));
        Assert.Equal(1, rule.Remaining);
        Assert.Single(_fault.Rules.Rules);
        await Assert.ThrowsAsync<ErrnoException>(async () => await _fault.ReadAsync(0, new byte[Block]));
        Assert.Empty(_fault.Rules.Rules);
        await _fault.ReadAsync(0, new byte[Block]);

        Assert.Equal(2, rule.Hits);
        Assert.True(rule.IsSpent);
        Assert.Equal(2, _fault.Rules.Hits);
    }

    [Fact]
    public async Task Rule_WithAnErrno_FailsWithIt()
    {
        _fault.AddRule(FaultOperation.Write, 0, 1, Errno.ENOSPC, 0);
        _fault.AddRule(FaultOperation.Read, 0, 1, 121, 0);

        Assert.Equal(Errno.ENOSPC, (await Assert.ThrowsAsync<ErrnoException>(async () => await _fault.WriteAsync(0, new byte[Block]))).Errno);
        var read = await Assert.ThrowsAsync<ErrnoException>(async () => await _fault.ReadAsync(0, new byte[Block]));
        Assert.Equal(121, read.Errno);
        Assert.Equal("fault instance 'f0': rule 2 failed the read of block 0 with E121 (injected)", read.Message);
    }

    [Fact]
    public async Task Rule_OverEveryBlockForBoth_DropsTheDiskFlushesIncluded()
    {
        var rule = _fault.AddRule(FaultOperation.Both, 0, null, Errno.EIO, 0);
        Assert.Equal(0, rule.StartBlock);
        Assert.Equal(8192, rule.BlockCount);

        await Assert.ThrowsAsync<ErrnoException>(async () => await _fault.ReadAsync(0, new byte[Block]));
        await Assert.ThrowsAsync<ErrnoException>(async () => await _fault.WriteAsync(_fault.Size - Block, new byte[Block]));
        var flush = await Assert.ThrowsAsync<ErrnoException>(async () => await _fault.FlushAsync());
        Assert.Equal("fault instance 'f0': rule 1 failed the flush with EIO (injected)", flush.Message);
        Assert.Equal(3, rule.Hits);
    }

    [Fact]
    public async Task Flush_WithARuleOnPartOfTheInstance_Succeeds()
    {
        _fault.AddRule(FaultOperation.Write, 0, 100, Errno.EIO, 0);
        _fault.AddRule(FaultOperation.Read, 0, null, Errno.EIO, 0);

        await _fault.FlushAsync();
        Assert.Equal(0, _fault.Rules.Hits);
    }

    [Fact]
    public async Task ClearRules_ById_HealsOnlyThatRule()
    {
        var first = _fault.AddRule(FaultOperation.Read, 0, 1, Errno.EIO, 0);
        var second = _fault.AddRule(FaultOperation.Read, 1, 1, Errno.EIO, 0);

        Assert.Equal(1, _fault.ClearRules(first.Id));

        await _fault.ReadAsync(0, new byte[Block]);
        await Assert.ThrowsAsync<ErrnoException>(async () => await _fault.ReadAsync(Block, new byte[Block]));
        Assert.Equal(second, Assert.Single(_fault.Rules.Rules));
    }

    [Fact]
    public async Task ClearRules_All_HealsEverythingAndIdsAreNotReused()
    {
        _fault.AddRule(FaultOperation.Both, 0, null, Errno.EIO, 0);
        _fault.AddRule(FaultOperation.Read, 5, 1, Errno.EIO, 0);

        Assert.Equal(2, _fault.ClearRules(null));
        Assert.Equal(0, _fault.ClearRules(null));

        await _fault.ReadAsync(0, new byte[4096]);
        await _fault.FlushAsync();
        Assert.Equal(3, _fault.AddRule(FaultOperation.Read, 0, 1, Errno.EIO, 0).Id);
    }

    [Fact]
    public void ClearRules_UnknownId_ThrowsENOENTNamingTheInstance()
    {
        var error = Assert.Throws<ErrnoException>(() => _fault.ClearRules(9));
        Assert.Equal(Errno.ENOENT, error.Errno);
        Assert.Equal("fault instance 'f0' has no rule 9", error.Message);
    }

    [Theory]
    [InlineData(-1, 1L, "fault instance 'f0': blocks -1 to -1 are not inside the instance (blocks 0 to 8191)")]
    [InlineData(8192, 1L, "fault instance 'f0': blocks 8192 to 8192 are not inside the instance (blocks 0 to 8191)")]
    [InlineData(8000, 193L, "fault instance 'f0': blocks 8000 to 8192 are not inside the instance (blocks 0 to 8191)")]
    [InlineData(0, 0L, "fault instance 'f0': a rule covers at least 1 block (count 0)")]
    public void AddRule_RangeNotInside_ThrowsEINVAL(long start, long count, string message)
    {
        var error = Assert.Throws<ErrnoException>(() => _fault.AddRule(FaultOperation.Read, start, count, Errno.EIO, 0));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Equal(message, error.Message);
        Assert.Empty(_fault.Rules.Rules);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(512)]
    [InlineData(-5)]
    public void AddRule_ErrnoOutOfRange_ThrowsEINVAL(int errno)
    {
        var error = Assert.Throws<ErrnoException>(() => _fault.AddRule(FaultOperation.Read, 0, 1, errno, 0));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Equal($"fault instance 'f0': errno {errno} cannot be injected (1 to 511)", error.Message);
    }

    [Fact]
    public void AddRule_BeyondTheMost_ThrowsENOSPC()
    {
        for (var i = 0; i < FaultRuleSet.MaxRules; i++)
        {
            _fault.AddRule(FaultOperation.Read, i, 1, Errno.EIO, 0);
        }
        var error = Assert.Throws<ErrnoException>(() => _fault.AddRule(FaultOperation.Read, 0, 1, Errno.EIO, 0));
        Assert.Equal(Errno.ENOSPC, error.Errno);
        Assert.Equal(64, _fault.Rules.Rules.Count);
    }

    [Fact]
    public void Rule_ToString_SaysWhatItDoes()
    {
        Assert.Equal("fails writes on blocks 100-107 with EIO for the next 2 I/Os",
            _fault.AddRule(FaultOperation.Write, 100, 8, Errno.EIO, 2).ToString());
        Assert.Equal("fails reads and writes on blocks 0-8191 with ENXIO until cleared",
            _fault.AddRule(FaultOperation.Both, 0, null, Errno.ENXIO, 0).ToString());
        Assert.Equal("fails reads on block 3 with EIO for the next I/O",
            _fault.AddRule(FaultOperation.Read, 3, 1, Errno.EIO, 1).ToString());
    }

    [Fact]
    public async Task Rule_WithTimesUnderConcurrentIo_FailsExactlyThatManyIos()
    {
        _fault.AddRule(FaultOperation.Write, 0, 64, Errno.EIO, 50);
        var failures = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var data = new byte[Block];
            for (var i = 0; i < 40; i++)
            {
                try
                {
                    await _fault.WriteAsync((worker * 8 + i % 8) * Block, data);
                }
                catch (ErrnoException e) when (e.Errno == Errno.EIO)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })));

        Assert.Equal(50, failures);
        Assert.Empty(_fault.Rules.Rules);
        Assert.Equal(50, _fault.Rules.Hits);
    }

    [Fact]
    public async Task Io_WhileRulesChange_FailsOnlyWhileARuleCoversItAndLosesNoData()
    {
        // Writers hit blocks 0-63 while another thread adds and clears a rule on blocks 32-63: blocks 0-31
        // never fail, and every write that succeeded is on the disk.
        using var stop = new CancellationTokenSource();
        var changer = Task.Run(() =>
        {
            var changes = 0;
            while (!stop.IsCancellationRequested)
            {
                var rule = _fault.AddRule(FaultOperation.Both, 32, 32, Errno.EIO, 0);
                Thread.Yield();
                _fault.ClearRules(rule.Id);
                changes++;
            }
            return changes;
        });
        var unexpected = 0;
        var lastWritten = new byte[64];
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 300; i++)
            {
                var block = worker * 16 + i % 16;
                var value = (byte)(i % 250 + 1);
                try
                {
                    await _fault.WriteAsync(block * Block, TestData.Filled(Block, value));
                    lastWritten[block] = value;
                }
                catch (ErrnoException) when (block >= 32)
                {
                }
                catch (ErrnoException)
                {
                    Interlocked.Increment(ref unexpected);
                }
            }
        })));
        await stop.CancelAsync();
        Assert.True(await changer > 0);

        Assert.Equal(0, unexpected);
        Assert.Empty(_fault.Rules.Rules);
        for (var block = 0; block < 64; block++)
        {
            var back = new byte[Block];
            await _fault.ReadAsync(block * Block, back);
            Assert.All(back, b => Assert.Equal(lastWritten[block], b));
        }
    }

    [Fact]
    public void Dispose_DetachesFromTheChild()
    {
        using var other = new FaultDisk("f1", _disk);
        Assert.Equal(2, _disk.Parents.Count);
        other.Dispose();
        Assert.Same(_fault, Assert.Single(_disk.Parents));
    }
}
