namespace VdmFuse.Engine;

/// <summary>
/// The process-wide source of write stamps. Each physical disk takes a new value on every write, so the
/// maximum over any set of disks changes whenever one of them is written.
/// </summary>
internal static class WriteClock
{
    private static long s_now;

    public static long Next() => Interlocked.Increment(ref s_now);
}
