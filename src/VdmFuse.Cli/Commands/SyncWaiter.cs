using System.Globalization;
using VdmFuse.Cli.Model;
using VdmFuse.Cli.Progress;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// Waits for a mirror sync as vdmmirrsyncimages(wait) does: polls the images' role packets until no destination
/// is a sync destination any more, reporting the blocks done (the sync block of each destination still syncing,
/// the whole image for each that finished) and the copy rate.
/// </summary>
internal sealed class SyncWaiter
{
    /// <summary>The time between two polls of the role packets.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private readonly CliContext _context;
    private readonly ProgressConsole _console;

    public SyncWaiter(CliContext context, ProgressConsole console)
    {
        _context = context;
        _console = console;
    }

    /// <summary>
    /// Polls until none of <paramref name="destinations"/> of <paramref name="mirror"/> is syncing; returns the last
    /// role of each destination (null for one no longer on the mirror).
    /// </summary>
    /// <param name="mirror">The mirror.</param>
    /// <param name="destinations">The destination images, by name or device number.</param>
    /// <param name="totalBlocks">The blocks each destination's sync goes through (the sync-images reply's total-blocks).</param>
    /// <param name="progress">Where progress is shown.</param>
    public IReadOnlyList<(string Destination, MirrorImageRole? Role)> Wait(string mirror, IReadOnlyList<string> destinations, long totalBlocks, ProgressReporter progress)
    {
        var total = Math.Max(1, totalBlocks) * destinations.Count;
        while (true)
        {
            var images = MirrorCommands.Images(_context, mirror);
            var roles = destinations.Select(d => (Destination: d, Role: images.FirstOrDefault(image => image.IsNamed(d)))).ToArray();
            var syncing = roles.Where(r => r.Role is { SyncDestination: true }).Select(r => r.Role!).ToArray();
            if (syncing.Length == 0)
            {
                return roles;
            }
            var done = roles.Sum(r => r.Role is { SyncDestination: true } role ? Math.Min(role.SyncBlock, Math.Max(1, totalBlocks)) : Math.Max(1, totalBlocks));
            var rate = syncing.Max(role => role.SyncRateKib);
            progress.Report(done, total, string.Create(CultureInfo.InvariantCulture, $"{rate} KiB/s"));
            _console.Sleep(PollInterval);
        }
    }
}
