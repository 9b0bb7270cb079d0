namespace VdmFuse.Cli.Tests;

/// <summary>A clock that moves only when told to (or when a sleep advances it).</summary>
internal sealed class FakeTime : TimeProvider
{
    private long _ticks = 1_000_000;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _ticks;

    public void Advance(TimeSpan by) => _ticks += by.Ticks;
}
