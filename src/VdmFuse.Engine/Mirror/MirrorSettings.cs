using System.Globalization;
using VdmFuse.Native;

namespace VdmFuse.Engine.Mirror;

/// <summary>The attributes of a mirror the create and update packets set (vdmmirr(7)).</summary>
/// <param name="AutomaticSync">Sync on its own at start when the images are found inconsistent after a crash.</param>
/// <param name="MinimumImagesRequiredToUse">Opens fail with ENXIO below this many non-corrupt images; -1 disables the test.</param>
/// <param name="MaximumImagesMissingToUse">
/// Opens (and automatic syncs) fail when more images than this that were present at last use are missing;
/// -1 disables the test.
/// </param>
/// <param name="MillisecondsBetweenSyncIo">The delay between the I/Os of an automatic sync.</param>
public sealed record MirrorSettings(bool AutomaticSync, short MinimumImagesRequiredToUse, short MaximumImagesMissingToUse, uint MillisecondsBetweenSyncIo)
{
    /// <summary>No automatic sync, no tests on open, no delay.</summary>
    public static MirrorSettings Default { get; } = new(false, -1, -1, 0);

    /// <summary>The attribute names, as get-attributes and the text form spell them.</summary>
    public static IReadOnlyList<string> Keys { get; } =
        ["automatic-sync", "minimum-images-required-to-use", "maximum-images-missing-to-use", "milliseconds-between-sync-io"];

    /// <summary>These settings with the given attributes changed; unknown keys are left to the caller.</summary>
    /// <exception cref="ErrnoException">EINVAL: a value out of range, naming the mirror and the field.</exception>
    public MirrorSettings With(string mirror, IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var next = this;
        foreach (var (key, value) in fields)
        {
            next = key switch
            {
                "automatic-sync" => next with { AutomaticSync = ParseFlag(mirror, key, value) },
                "minimum-images-required-to-use" => next with { MinimumImagesRequiredToUse = ParseLimit(mirror, key, value) },
                "maximum-images-missing-to-use" => next with { MaximumImagesMissingToUse = ParseLimit(mirror, key, value) },
                "milliseconds-between-sync-io" => next with { MillisecondsBetweenSyncIo = ParseDelay(mirror, key, value) },
                _ => next,
            };
        }
        return next;
    }

    /// <summary>The settings as attribute fields, numbers in decimal.</summary>
    public IEnumerable<KeyValuePair<string, string>> ToFields() =>
    [
        new("automatic-sync", AutomaticSync ? "1" : "0"),
        new("minimum-images-required-to-use", MinimumImagesRequiredToUse.ToString(CultureInfo.InvariantCulture)),
        new("maximum-images-missing-to-use", MaximumImagesMissingToUse.ToString(CultureInfo.InvariantCulture)),
        new("milliseconds-between-sync-io", MillisecondsBetweenSyncIo.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>Reads a delay in milliseconds (0 to 3,600,000).</summary>
    /// <exception cref="ErrnoException">EINVAL naming the mirror and the field.</exception>
    public static uint ParseDelay(string mirror, string key, string value)
    {
        if (!uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var delay) || delay > 3_600_000)
        {
            throw new ErrnoException(Errno.EINVAL, $"'{key}' of mirror '{mirror}' must be a number of milliseconds from 0 to 3600000, not '{value}'");
        }
        return delay;
    }

    private static bool ParseFlag(string mirror, string key, string value) => value switch
    {
        "0" or "no" or "false" => false,
        "1" or "yes" or "true" => true,
        _ => throw new ErrnoException(Errno.EINVAL, $"'{key}' of mirror '{mirror}' must be 0 or 1, not '{value}'"),
    };

    private static short ParseLimit(string mirror, string key, string value)
    {
        if (!short.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var limit) || limit < -1 || limit > MirrorDisk.MaximumImages)
        {
            throw new ErrnoException(Errno.EINVAL,
                $"'{key}' of mirror '{mirror}' must be -1 (no test) or 0 to {MirrorDisk.MaximumImages}, not '{value}'");
        }
        return limit;
    }
}
