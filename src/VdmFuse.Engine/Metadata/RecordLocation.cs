using System.Globalization;
using VdmFuse.Native;

namespace VdmFuse.Engine.Metadata;

/// <summary>
/// Where one copy of a durable record lives: a whole file (<see cref="Length"/> 0), the byte range
/// [<see cref="Offset"/>, <see cref="Offset"/> + <see cref="Length"/>) of a block device or file, or a whole
/// disk instance (<see cref="Path"/> <c>instance:NAME</c>, see <see cref="IsInstance"/>).
/// </summary>
/// <param name="Path">The file or block device, or <c>instance:NAME</c>.</param>
/// <param name="Offset">The first byte of the region; a multiple of 512 (0 for an instance).</param>
/// <param name="Length">
/// The region's length (a multiple of 1024, at least 2048), or 0 for a whole file of <see cref="DefaultFileLength"/> bytes.
/// For an instance, 0 as configured; the store reports the region it uses (the instance's size, rounded down to
/// an even number of its sectors).
/// </param>
public sealed record RecordLocation(string Path, long Offset = 0, long Length = 0)
{
    /// <summary>The prefix of <see cref="Path"/> that names a disk instance instead of a file: <c>instance:NAME</c>.</summary>
    public const string InstancePrefix = "instance:";

    /// <summary>The size given to a whole-file copy: two slots of 512 KiB.</summary>
    public const long DefaultFileLength = 1024 * 1024;

    /// <summary>The smallest region: two slots of one 1 KiB each.</summary>
    public const long MinimumLength = 2048;

    /// <summary>Whether the copy is a whole file (no offset and length given).</summary>
    public bool IsWholeFile => Length == 0 && !IsInstance;

    /// <summary>Whether the copy is kept on a disk instance (<c>instance:NAME</c>), read and written through it.</summary>
    public bool IsInstance => Path.StartsWith(InstancePrefix, StringComparison.Ordinal);

    /// <summary>The instance's name when <see cref="IsInstance"/>, else null.</summary>
    public string? InstanceName => IsInstance ? Path[InstancePrefix.Length..] : null;

    /// <summary>The region's length in bytes.</summary>
    public long RegionLength => IsWholeFile ? DefaultFileLength : Length;

    /// <summary>The size of each of the two slots.</summary>
    public long SlotLength => RegionLength / 2;

    /// <summary>The location of a copy on the instance <paramref name="name"/>: <c>instance:NAME</c>.</summary>
    /// <exception cref="ErrnoException">EINVAL: the name breaks the rules of instance names.</exception>
    public static RecordLocation OfInstance(string name) => Validated(new RecordLocation(InstancePrefix + name));

    /// <summary>Parses the value of a <c>config-copy</c> line: <c>PATH [OFFSET LENGTH]</c> or <c>instance:NAME</c>.</summary>
    /// <exception cref="ErrnoException">EINVAL with a sentence naming the value.</exception>
    public static RecordLocation Parse(string value)
    {
        var parts = value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 1)
        {
            return Validated(new RecordLocation(parts[0]));
        }
        if (parts.Length == 3
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return Validated(new RecordLocation(parts[0], offset, length));
        }
        throw new ErrnoException(Errno.EINVAL, $"configuration copy '{value}' is not 'PATH', 'PATH OFFSET LENGTH' or 'instance:NAME'");
    }

    /// <summary>Checks the offset and length.</summary>
    /// <exception cref="ErrnoException">EINVAL naming the copy when the region is misaligned or too small.</exception>
    public static RecordLocation Validated(RecordLocation location)
    {
        if (string.IsNullOrEmpty(location.Path))
        {
            throw new ErrnoException(Errno.EINVAL, "a configuration copy needs a path");
        }
        if (location.IsInstance)
        {
            if (!Engine.InstanceName.IsValid(location.InstanceName))
            {
                throw new ErrnoException(Errno.EINVAL, $"configuration copy {location} does not name an instance: 'instance:' must be followed by an instance name");
            }
            if (location.Offset != 0 || location.Length != 0)
            {
                throw new ErrnoException(Errno.EINVAL, $"configuration copy {location} takes the whole instance: give no offset or length");
            }
            return location;
        }
        if (location.Offset < 0 || location.Offset % 512 != 0)
        {
            throw new ErrnoException(Errno.EINVAL, $"configuration copy {location}: the offset must be a non-negative multiple of 512");
        }
        if (location.IsWholeFile && location.Offset != 0)
        {
            throw new ErrnoException(Errno.EINVAL, $"configuration copy {location}: an offset needs a length");
        }
        if (!location.IsWholeFile && (location.Length < MinimumLength || location.Length % 1024 != 0))
        {
            throw new ErrnoException(Errno.EINVAL, $"configuration copy {location}: the length must be a multiple of 1024 and at least {MinimumLength}");
        }
        return location;
    }

    /// <summary>The path, followed by the range when there is one: <c>'PATH'</c>, <c>'instance:NAME'</c> or <c>'PATH' [OFFSET+LENGTH]</c>.</summary>
    public override string ToString() => IsWholeFile || IsInstance ? $"'{Path}'" : $"'{Path}' [{Offset}+{Length}]";
}
