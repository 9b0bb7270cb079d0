using VdmFuse.Native;

namespace VdmFuse.Engine;

/// <summary>
/// Runs instance I/O synchronously on the calling thread, with the thread's asynchronous I/O context set aside:
/// the backing files then do plain pread/pwrite/fdatasync, so a caller on a loop thread never waits for
/// completions only that same thread would reap. For metadata and error paths, never the data fast path.
/// </summary>
internal static class SynchronousIo
{
    /// <summary>Runs <paramref name="operation"/> to completion.</summary>
    public static void Run(Func<ValueTask> operation)
    {
        var context = AioContext.Current;
        AioContext.Current = null;
        try
        {
            var pending = operation();
            if (pending.IsCompletedSuccessfully)
            {
                pending.GetAwaiter().GetResult();
                return;
            }
            pending.AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            AioContext.Current = context;
        }
    }

    /// <summary>Reads <paramref name="buffer"/> at <paramref name="offset"/> of <paramref name="instance"/>.</summary>
    public static void Read(DiskInstance instance, long offset, Memory<byte> buffer) => Run(() => instance.ReadAsync(offset, buffer));

    /// <summary>Writes <paramref name="buffer"/> at <paramref name="offset"/> of <paramref name="instance"/>.</summary>
    public static void Write(DiskInstance instance, long offset, ReadOnlyMemory<byte> buffer) => Run(() => instance.WriteAsync(offset, buffer));

    /// <summary>Flushes <paramref name="instance"/>.</summary>
    public static void Flush(DiskInstance instance) => Run(instance.FlushAsync);
}
