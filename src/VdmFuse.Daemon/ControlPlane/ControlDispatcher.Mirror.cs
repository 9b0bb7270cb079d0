using System.Globalization;
using VdmFuse.Control;
using VdmFuse.Engine;
using VdmFuse.Engine.Mirror;
using VdmFuse.Native;

namespace VdmFuse.Daemon.ControlPlane;

// The mirror subdriver (vdmmirr(7)): create-instance subdriver=mirror, and sync-images, terminate-sync, throttle-sync
// and fracture-image, which are also its ioctl-subdriver commands (both forms run the engine's command).
public sealed partial class ControlDispatcher
{
    /// <summary>The create-instance fields only a mirror takes.</summary>
    private static readonly string[] MirrorCreateFields =
        ["images", "automatic-sync", "minimum-images-required-to-use", "maximum-images-missing-to-use", "milliseconds-between-sync-io", "region-size"];

    /// <summary>The create-instance fields of the other subdrivers, which a mirror refuses.</summary>
    private static readonly string[] NotMirrorFields = ["path", "child", "start", "size", "remap"];

    /// <summary>
    /// The settings of a mirror from the fields of its create-instance command (or its record): automatic-sync,
    /// minimum-images-required-to-use, maximum-images-missing-to-use, milliseconds-between-sync-io; the others are
    /// ignored. Defaults: no automatic sync, both limits -1 (no test), no delay.
    /// </summary>
    /// <param name="mirrorName">The mirror, for the error messages.</param>
    /// <param name="fields">Text fields, such as a create-instance command's.</param>
    /// <exception cref="ErrnoException">EINVAL: a value out of range, naming the mirror and the field.</exception>
    internal static MirrorSettings MirrorSettingsFrom(string mirrorName, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var settings = fields.Where(field => MirrorSettings.Keys.Contains(field.Key))
            .ToDictionary(field => field.Key, field => field.Value, StringComparer.Ordinal);
        return MirrorSettings.Default.With(mirrorName, settings);
    }

    /// <summary>
    /// Builds and registers the mirror of a create-instance command: its images (by name or device number, 1 to 3),
    /// its settings, its dirty-region size, and for a persistent mirror its journal.
    /// </summary>
    private DiskInstance CreateMirror(ControlCommand command, string name, bool exported, bool persistent)
    {
        foreach (var field in NotMirrorFields)
        {
            if (command.Has(field))
            {
                throw new ErrnoException(Errno.EINVAL, $"field '{field}' does not apply to subdriver mirror (mirror '{name}')");
            }
        }
        var images = MirrorImages(name, command.Get("images"));
        var settings = MirrorSettingsFrom(name, command.Fields.Select(field => KeyValuePair.Create(field.Key, field.Value)));
        var regionBlocks = command.Has("region-size") ? command.GetBlocks("region-size") : MirrorDisk.DefaultRegionBlocks;
        if (regionBlocks is < 1 or > uint.MaxValue)
        {
            throw new ErrnoException(Errno.EINVAL, $"region-size of mirror '{name}' must be 1 to {uint.MaxValue} blocks, not {regionBlocks}");
        }
        if (_registry.TryGet(name, out var existing) && existing.Name == name)
        {
            // Before a journal is opened: a journal of that name may belong to the existing mirror.
            throw new ErrnoException(Errno.EEXIST, $"an instance named '{name}' already exists ({existing.Subdriver}, device {existing.DeviceNumber})");
        }
        var journal = persistent ? FreshMirrorJournal(name) : null;
        MirrorDisk mirror;
        try
        {
            mirror = new MirrorDisk(name, images, settings, journal, regionBlocks);
        }
        catch
        {
            journal?.Delete();
            throw;
        }
        try
        {
            _registry.Register(mirror, exported);
        }
        catch
        {
            mirror.Dispose();
            journal?.Delete();
            throw;
        }
        if (images.FirstOrDefault(image => !_registry.TryGet(image.DeviceNumber, out var current) || current != image) is { } gone)
        {
            // An image was deleted while the mirror was being built on it.
            _registry.Delete(mirror.Name);
            journal?.Delete();
            throw new ErrnoException(Errno.ENOENT, $"instance '{gone.Name}' was deleted while mirror '{name}' was being created on it");
        }
        return mirror;
    }

    /// <summary>The journal of a new persistent mirror: a journal left under its name (by a mirror deleted in a crash) is discarded.</summary>
    private IMirrorJournal FreshMirrorJournal(string name)
    {
        var journal = _persistence!.OpenMirrorJournal(name);
        if (journal.Load() is null)
        {
            return journal;
        }
        Log.Warn("mirror '{0}': discarding the journal of an earlier mirror of that name", name);
        journal.Delete();
        return _persistence.OpenMirrorJournal(name);
    }

    /// <summary>The instances a comma list names, in order.</summary>
    private List<DiskInstance> MirrorImages(string mirror, string list)
    {
        var names = list.Split(',');
        if (names.Any(n => n.Length == 0))
        {
            throw new ErrnoException(Errno.EINVAL,
                $"images of mirror '{mirror}' must be a comma list of 1 to {MirrorDisk.MaximumImages} instance names or device numbers, not '{list}'");
        }
        return [.. names.Select(_registry.Get)];
    }

    /// <summary>sync-images, terminate-sync, throttle-sync, fracture-image: the mirror's command of that name.</summary>
    private ControlReply MirrorCommand(ControlCommand command)
    {
        var mirror = MirrorInstance(command);
        var fields = command.Fields.Where(field => field.Key != "name")
            .ToDictionary(field => field.Key, field => field.Value, StringComparer.Ordinal);
        var reply = mirror.ExecuteSubdriverCommand(command.Verb, fields);
        return ControlReply.Success(reply.Select(field => new ControlField(field.Key, field.Value)), []);
    }

    /// <summary>The mirror the command's <c>name</c> field names.</summary>
    /// <exception cref="ErrnoException">ENOENT: no such instance; EINVAL: not a mirror instance.</exception>
    private MirrorDisk MirrorInstance(ControlCommand command)
    {
        var instance = _registry.Get(command.Get("name"));
        return instance as MirrorDisk ??
            throw new ErrnoException(Errno.EINVAL, $"{instance.Description} is not a mirror instance ({command.Verb} works on instances of subdriver mirror)");
    }

    /// <summary>
    /// A mirror image's role fields as the engine gives them, with <c>source-device-number</c> (the sync source's
    /// device number, or "-") for the role packet, which names images by device number.
    /// </summary>
    private static IReadOnlyList<KeyValuePair<string, string>> MirrorRole(MirrorDisk mirror, IReadOnlyList<KeyValuePair<string, string>> role)
    {
        var source = role.FirstOrDefault(field => field.Key == "source-image").Value;
        var number = "-";
        if (source is not null && source != "-")
        {
            try
            {
                number = mirror.FindImage(source).DeviceNumber.ToString(CultureInfo.InvariantCulture);
            }
            catch (ErrnoException)
            {
                // The source left the mirror between the two reads: no source any more.
            }
        }
        return [.. role, new("source-device-number", number)];
    }
}
