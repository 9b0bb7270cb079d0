namespace VdmFuse.Fuse.Session;

/// <summary>
/// The request buffers of a session, allocated on first use up to a fixed count. A buffer is rented for
/// each read and returned when its request has been answered, which may happen on another thread.
/// After <see cref="Dispose"/> returned buffers are freed.
/// </summary>
internal sealed class RequestBufferPool(int capacity) : IDisposable
{
    private readonly Stack<RequestBuffer> _free = new();
    private readonly object _lock = new();
    private int _allocated;
    private bool _disposed;

    public int Capacity { get; } = capacity;

    /// <summary>True when a buffer can be rented now.</summary>
    public bool HasFree
    {
        get
        {
            lock (_lock)
            {
                return _free.Count > 0 || _allocated < Capacity;
            }
        }
    }

    /// <summary>A buffer, or null when all are in use.</summary>
    public RequestBuffer? TryRent()
    {
        lock (_lock)
        {
            if (_free.TryPop(out var buffer))
            {
                return buffer;
            }
            if (_allocated >= Capacity || _disposed)
            {
                return null;
            }
            _allocated++;
        }
        return new RequestBuffer();
    }

    /// <summary>Gives a buffer back; returns true when the pool had none free before (a starved reader may resume).</summary>
    public bool Return(RequestBuffer buffer)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                buffer.Free();
                return false;
            }
            bool wasStarved = _free.Count == 0 && _allocated >= Capacity;
            _free.Push(buffer);
            return wasStarved;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            while (_free.TryPop(out var buffer))
            {
                buffer.Free();
            }
        }
    }
}
