using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using VdmFuse.Native;

namespace VdmFuse.Daemon.Hosting;

/// <summary>
/// The one-daemon-per-state-directory lock: an exclusive flock(2) on <c>STATE/vdmfuse.lock</c>, held for
/// the daemon's lifetime, the file holding the holder's pid. The kernel drops the lock when the holder
/// dies, however it dies, so a stale file never blocks a start.
/// </summary>
public sealed class StateLock : IDisposable
{
    /// <summary>The lock file's name in the state directory.</summary>
    public const string FileName = "vdmfuse.lock";

    private const int LOCK_EX = 2;
    private const int LOCK_NB = 4;
    private const int LOCK_UN = 8;
    private const int O_RDWR = 2;
    private const int O_CREAT = 0x40;
    private const int O_CLOEXEC = 0x80000;

    private readonly SafeFileHandle _file;

    private StateLock(SafeFileHandle file, string path)
    {
        _file = file;
        Path = path;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>Takes the lock and writes this process's pid into it; null when another process holds it.</summary>
    /// <param name="stateDirectory">The state directory (created when missing).</param>
    /// <param name="holderPid">The pid the holder wrote, 0 when unknown; 0 when the lock was taken.</param>
    /// <exception cref="ErrnoException">The lock file cannot be opened or locked.</exception>
    public static StateLock? TryAcquire(string stateDirectory, out int holderPid)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = System.IO.Path.Combine(stateDirectory, FileName);
        var file = Open(path);
        if (!TryLock(file, path))
        {
            holderPid = ReadPid(file);
            file.Dispose();
            return null;
        }
        holderPid = 0;
        var text = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        RandomAccess.SetLength(file, 0);
        RandomAccess.Write(file, text, 0);
        return new StateLock(file, path);
    }

    /// <summary>The pid of the process that holds the lock of <paramref name="stateDirectory"/>, or null when none does.</summary>
    public static int? FindHolder(string stateDirectory)
    {
        var path = System.IO.Path.Combine(stateDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        using var file = Open(path);
        if (TryLock(file, path))
        {
            flock(file, LOCK_UN);
            return null;
        }
        return ReadPid(file);
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();

    /// <summary>Opens the lock file with open(2): a FileStream would take a flock of its own (its FileShare emulation).</summary>
    private static SafeFileHandle Open(string path)
    {
        var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0x1A4 /* 0644 */);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new ErrnoException(errno, $"cannot open the lock file '{path}'");
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    private static bool TryLock(SafeFileHandle file, string path)
    {
        if (flock(file, LOCK_EX | LOCK_NB) == 0)
        {
            return true;
        }
        var errno = Marshal.GetLastPInvokeError();
        if (errno == Errno.EAGAIN)
        {
            return false;
        }
        throw new ErrnoException(errno, $"cannot lock '{path}'");
    }

    private static int ReadPid(SafeFileHandle file)
    {
        var buffer = new byte[32];
        var n = RandomAccess.Read(file, buffer, 0);
        return int.TryParse(Encoding.ASCII.GetString(buffer, 0, n).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int flock(SafeFileHandle fd, int operation);

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);
}
