using VdmFuse.Control;
using VdmFuse.Engine;
using VdmFuse.Engine.Dkio;
using VdmFuse.Native;

namespace VdmFuse.Daemon.ControlPlane;

// The disk ioctls of dkio(7) (dk-* verbs, VDM_IOC_DK_*): each runs the engine's DiskLabels on the instance named by
// name (or implied by the file the ioctl was issued on). The text form and the packet written to the control file
// answer dk-state at once; only the ioctl waits (ExecuteWaitingAsync).
public sealed partial class ControlDispatcher
{
    /// <summary>The disk-control state of the registry's instances (VTOCs, slices, geometry, media state).</summary>
    public DiskLabels Labels => _labels;

    private ControlReply DkCommand(ControlCommand command)
    {
        var instance = _registry.Get(command.Get("name"));
        return command.Verb switch
        {
            ControlVerbs.DkInfo => DkInfo(instance),
            ControlVerbs.DkGetGeom => GeometryReply(_labels.Geometry(instance)),
            ControlVerbs.DkGetPhygeom => GeometryReply(_labels.PhysicalGeometry(instance)),
            ControlVerbs.DkGetVirtgeom => GeometryReply(_labels.VirtualGeometry(instance)),
            ControlVerbs.DkSetGeom => DkSetGeometry(command, instance),
            ControlVerbs.DkGetVtoc => VtocReply(_labels.GetVtoc(instance, extended: false)),
            ControlVerbs.DkGetExtvtoc => VtocReply(_labels.GetVtoc(instance, extended: true)),
            ControlVerbs.DkSetVtoc => DkSetVtoc(command, instance, extended: false),
            ControlVerbs.DkSetExtvtoc => DkSetVtoc(command, instance, extended: true),
            ControlVerbs.DkGetApart => AllMapReply(_labels.GetAllMap(instance)),
            ControlVerbs.DkSetApart => DkSetAllMap(command, instance),
            ControlVerbs.DkMediaInfo => DkMediaInfo(instance),
            ControlVerbs.DkRemovable => ControlReply.Ok(("value", Flag(_labels.IsRemovable(instance)))),
            ControlVerbs.DkHotpluggable => ControlReply.Ok(("value", Flag(_labels.IsHotpluggable(instance)))),
            ControlVerbs.DkState => DkStateNow(command, instance),
            ControlVerbs.DkEject => throw NotRemovable(instance, "DKIOCEJECT", "ejected"),
            ControlVerbs.DkLock => throw NotRemovable(instance, "DKIOCLOCK", "locked in"),
            ControlVerbs.DkUnlock => throw NotRemovable(instance, "DKIOCUNLOCK", "unlocked"),
            ControlVerbs.DkPartinfo => PartInfoReply(_labels.PartInfo(instance, extended: false)),
            ControlVerbs.DkExtpartinfo => PartInfoReply(_labels.PartInfo(instance, extended: true)),
            ControlVerbs.DkSmboot => DkSmboot(command, instance),
            ControlVerbs.DkGetVolcap => VolumeCapabilitiesReply(_labels.GetVolumeCapabilities(instance)),
            ControlVerbs.DkSetVolcap => DkSetVolumeCapabilities(command, instance),
            ControlVerbs.DkDmr => DkDmr(command, instance),
            ControlVerbs.DkAddbad => DkAddBad(instance),
            _ => throw new ErrnoException(Errno.ENOSYS, "not a disk ioctl of this daemon"),
        };
    }

    /// <summary>
    /// Executes a command that an ioctl may have to wait for: DKIOCSTATE waits while the caller's state is the current
    /// one, until it changes or <paramref name="cancel"/> fires (the FUSE request was interrupted: EINTR). Every other
    /// command runs as <see cref="Execute"/> does.
    /// </summary>
    public async Task<ControlReply> ExecuteWaitingAsync(ControlCommand command, ControlCaller caller, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Verb != ControlVerbs.DkState)
        {
            return Execute(command, caller);
        }
        DiskInstance instance;
        DkMediaState known;
        try
        {
            CommandSchema.Validate(command);
            DiagnosticCommands.CheckAccepted(command.Verb, caller.Door, _mode);
            _access.Check(command, caller);
            instance = _registry.Get(command.Get("name"));
            known = KnownState(command);
        }
        catch (ControlException e)
        {
            return Failure(e.Errno, e.Message);
        }
        catch (ErrnoException e)
        {
            return Failure(e.Errno, $"{command.Verb}: {e.Message}");
        }
        try
        {
            var current = await _labels.WaitForStateChangeAsync(instance, known, cancel).ConfigureAwait(false);
            Log.Debug("control uid={0} pid={1}: {2} on {3}: {4} -> {5}", caller.Uid, caller.Pid, command.Verb, instance.Name, known, current);
            return StateReply(current);
        }
        catch (OperationCanceledException)
        {
            return Failure(Errno.EINTR, $"{command.Verb}: interrupted while waiting for the state of {instance.Description} to change from {known}");
        }
        catch (ErrnoException e)
        {
            return Failure(e.Errno, $"{command.Verb}: {e.Message}");
        }
    }

    private ControlReply DkInfo(DiskInstance instance)
    {
        var info = _labels.Info(instance);
        return ControlReply.Ok(
            ("cname", info.CName), ("ctype", N(info.CType)), ("flags", N(info.Flags)), ("cnum", N(info.CNum)),
            ("addr", "0"), ("space", "0"), ("prio", "0"), ("vec", "0"),
            ("dname", info.DName), ("unit", N(info.Unit)), ("slave", "0"),
            ("partition", N(info.Partition)), ("maxtransfer", N(info.MaxTransfer)));
    }

    private static ControlReply GeometryReply(DkGeometry geometry) => ControlReply.Ok(
        ("ncyl", N(geometry.Ncyl)), ("acyl", N(geometry.Acyl)), ("bcyl", N(geometry.Bcyl)), ("nhead", N(geometry.Nhead)),
        ("nsect", N(geometry.Nsect)), ("intrlv", N(geometry.Intrlv)), ("apc", N(geometry.Apc)), ("rpm", N(geometry.Rpm)),
        ("pcyl", N(geometry.Pcyl)), ("write-reinstruct", N(geometry.WriteReinstruct)), ("read-reinstruct", N(geometry.ReadReinstruct)));

    /// <summary>dk-set-geom: ncyl, nhead and nsect are needed; acyl, bcyl, apc and the reinstructs default to 0, intrlv to 1, rpm to 7200, pcyl to ncyl + acyl.</summary>
    private ControlReply DkSetGeometry(ControlCommand command, DiskInstance instance)
    {
        var ncyl = U16(command, "ncyl", null);
        var acyl = U16(command, "acyl", 0);
        var geometry = new DkGeometry(ncyl, acyl, U16(command, "bcyl", 0), U16(command, "nhead", null), U16(command, "nsect", null),
            U16(command, "intrlv", 1), U16(command, "apc", 0), U16(command, "rpm", DkGeometry.DefaultRpm),
            U16(command, "pcyl", (ushort)Math.Min(ushort.MaxValue, ncyl + acyl)),
            U16(command, "write-reinstruct", 0), U16(command, "read-reinstruct", 0));
        _labels.SetGeometry(instance, geometry);
        return ControlReply.Ok();
    }

    private static ControlReply VtocReply(Vtoc vtoc)
    {
        var reply = ControlReply.Ok(
            ("sanity", N((long)vtoc.Sanity)), ("vtoc-version", N((long)vtoc.Version)), ("volume", vtoc.Volume),
            ("sector-size", N(vtoc.SectorSize)), ("nparts", N(vtoc.NParts)), ("ascii-label", vtoc.AsciiLabel));
        var fields = new List<ControlField>(reply.Fields);
        for (var i = 0; i < Vtoc.PartitionCount; i++)
        {
            var part = i < vtoc.Partitions.Length ? vtoc.Partitions[i] : VtocPartition.Empty;
            fields.Add(new ControlField(CommandTable.SliceField(i, "tag"), N(part.Tag)));
            fields.Add(new ControlField(CommandTable.SliceField(i, "flag"), N(part.Flag)));
            fields.Add(new ControlField(CommandTable.SliceField(i, "start"), N(part.Start)));
            fields.Add(new ControlField(CommandTable.SliceField(i, "size"), N(part.Size)));
        }
        return ControlReply.Success(fields, []);
    }

    /// <summary>
    /// dk-set-vtoc and dk-set-extvtoc: the VTOC the fields give (the text form may leave out sanity, vtoc-version,
    /// sector-size and nparts, which default to a valid VTOC's, and any slice, which is then empty); the reply names
    /// the slices the VTOC now exports.
    /// </summary>
    private ControlReply DkSetVtoc(ControlCommand command, DiskInstance instance, bool extended)
    {
        var wordMax = extended ? long.MaxValue : uint.MaxValue;
        var parts = new VtocPartition[Vtoc.PartitionCount];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = new VtocPartition(
                U16(command, CommandTable.SliceField(i, "tag"), 0),
                U16(command, CommandTable.SliceField(i, "flag"), 0),
                Number(command, CommandTable.SliceField(i, "start"), 0, long.MinValue, long.MaxValue),
                Number(command, CommandTable.SliceField(i, "size"), 0, long.MinValue, long.MaxValue));
        }
        var vtoc = new Vtoc([0, 0, 0],
            (ulong)Number(command, "sanity", (long)Vtoc.Sane, 0, wordMax),
            (ulong)Number(command, "vtoc-version", (long)Vtoc.CurrentVersion, 0, wordMax),
            command.GetOptional("volume") ?? "",
            U16(command, "sector-size", Vtoc.DevBlockSize),
            U16(command, "nparts", Vtoc.PartitionCount),
            parts,
            command.GetOptional("ascii-label") ?? "");
        _labels.SetVtoc(instance, vtoc, extended);
        var slices = _labels.SlicesOf(instance).Select(slice => slice.Name);
        return ControlReply.Ok(("slices", string.Join(',', slices)));
    }

    private static ControlReply AllMapReply(IReadOnlyList<DkMap> maps)
    {
        var fields = new List<ControlField>();
        for (var i = 0; i < Vtoc.PartitionCount; i++)
        {
            var map = i < maps.Count ? maps[i] : new DkMap(0, 0);
            fields.Add(new ControlField(CommandTable.MapField(i, "cylno"), N(map.Cylno)));
            fields.Add(new ControlField(CommandTable.MapField(i, "nblk"), N(map.Nblk)));
        }
        return ControlReply.Success(fields, []);
    }

    private ControlReply DkSetAllMap(ControlCommand command, DiskInstance instance)
    {
        var maps = Enumerable.Range(0, Vtoc.PartitionCount).Select(i => new DkMap(
            Number(command, CommandTable.MapField(i, "cylno"), 0, int.MinValue, int.MaxValue),
            Number(command, CommandTable.MapField(i, "nblk"), 0, int.MinValue, int.MaxValue))).ToArray();
        _labels.SetAllMap(instance, maps);
        return ControlReply.Ok();
    }

    private ControlReply DkMediaInfo(DiskInstance instance)
    {
        var info = _labels.MediaInfo(instance);
        return ControlReply.Ok(("media-type", N(info.MediaType)), ("lbsize", N(info.LogicalBlockSize)), ("capacity", N(info.Capacity)));
    }

    /// <summary>The state a dk-state caller last knew (0 none, 1 ejected, 2 inserted); none when not given.</summary>
    private static DkMediaState KnownState(ControlCommand command)
    {
        var state = Number(command, "state", (long)DkMediaState.None, 0, uint.MaxValue);
        return Enum.IsDefined((DkMediaState)state)
            ? (DkMediaState)state
            : throw new ControlException(ControlErrno.EINVAL,
                $"{command.Verb}: field 'state' is {state}; it must be 0 (DKIO_NONE), 1 (DKIO_EJECTED) or 2 (DKIO_INSERTED)");
    }

    /// <summary>dk-state that does not wait (the text form, the packet written to the control file): the current state.</summary>
    private ControlReply DkStateNow(ControlCommand command, DiskInstance instance)
    {
        KnownState(command);
        return StateReply(_labels.State(instance));
    }

    private static ControlReply StateReply(DkMediaState current) =>
        ControlReply.Ok(("state", N((long)current)));

    /// <summary>DKIOCEJECT, DKIOCLOCK and DKIOCUNLOCK: vdmfuse's media are fixed.</summary>
    private static ErrnoException NotRemovable(DiskInstance instance, string ioctl, string what) =>
        new(Errno.ENOTSUP, $"{instance.Description}: its media are not removable and cannot be {what} ({ioctl} is not supported)");

    private static ControlReply PartInfoReply((long Start, long Length) part) =>
        ControlReply.Ok(("start", N(part.Start)), ("length", N(part.Length)));

    /// <summary>dk-smboot: the 512-byte master boot record given as 1024 hexadecimal digits.</summary>
    private ControlReply DkSmboot(ControlCommand command, DiskInstance instance)
    {
        var sector = FieldValues.ParseHex(command.Verb, "mboot", command.Get("mboot"));
        if (sector.Length != Mboot.Size)
        {
            throw new ControlException(ControlErrno.EINVAL,
                $"{command.Verb}: field 'mboot' is {sector.Length} bytes; a master boot record is {Mboot.Size} bytes ({2 * Mboot.Size} hexadecimal digits)");
        }
        _labels.WriteMboot(instance, sector);
        return ControlReply.Ok();
    }

    private static ControlReply VolumeCapabilitiesReply((uint Info, uint Set) capabilities) =>
        ControlReply.Ok(("info", N(capabilities.Info)), ("set", N(capabilities.Set)));

    private ControlReply DkSetVolumeCapabilities(ControlCommand command, DiskInstance instance)
    {
        _labels.SetVolumeCapabilities(instance, (uint)Number(command, "set", 0, 0, uint.MaxValue));
        return ControlReply.Ok();
    }

    /// <summary>dk-dmr: one step of the directed read sequence; the data read comes back as hexadecimal digits.</summary>
    private ControlReply DkDmr(ControlCommand command, DiskInstance instance)
    {
        var flags = (int)Number(command, "flags", DkDirectedRead.NextSide, 0, int.MaxValue);
        var side = (int)Number(command, "side", DkDirectedRead.SideInit, int.MinValue, int.MaxValue);
        var offset = Number(command, "offset", 0, 0, long.MaxValue);
        var nbytes = (int)Number(command, "nbytes", 0, 0, int.MaxValue);
        if (nbytes is 0 or > DkDirectedRead.MaxData)
        {
            throw new ControlException(ControlErrno.EINVAL,
                $"{command.Verb}: field 'nbytes' is {nbytes}; a directed read returns 1 to {DkDirectedRead.MaxData} bytes (read more through plex/)");
        }
        var buffer = new byte[nbytes];
        var read = _labels.DirectedRead(instance, flags, side, offset, buffer);
        var length = Math.Clamp(read.BytesRead, 0, nbytes);
        return ControlReply.Ok(
            ("flags", N(read.Flags)), ("side", N(read.Side)), ("side-name", read.SideName),
            ("bytesread", N(length)), ("data", FieldValues.FormatHex(buffer.AsSpan(0, length))));
    }

    private ControlReply DkAddBad(DiskInstance instance)
    {
        _labels.RereadBadBlocks(instance);
        return ControlReply.Ok();
    }

    /// <summary>A field that must fit <c>uint16_t</c>, or <paramref name="defaultValue"/> when not given (null: required).</summary>
    private static ushort U16(ControlCommand command, string key, ushort? defaultValue)
    {
        if (!command.Has(key))
        {
            return defaultValue ?? throw new ControlException(ControlErrno.EINVAL, $"{command.Verb}: missing field '{key}'");
        }
        return (ushort)Number(command, key, 0, 0, ushort.MaxValue);
    }

    /// <summary>A numeric field within [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="defaultValue"/> when not given.</summary>
    /// <exception cref="ControlException">EINVAL naming the field and the range.</exception>
    private static long Number(ControlCommand command, string key, long defaultValue, long min, long max)
    {
        if (command.GetOptionalInt64(key) is not { } value)
        {
            return defaultValue;
        }
        if (value < min || value > max)
        {
            throw new ControlException(ControlErrno.EINVAL, $"{command.Verb}: field '{key}' is {value}; it must be {min} to {max}");
        }
        return value;
    }
}
