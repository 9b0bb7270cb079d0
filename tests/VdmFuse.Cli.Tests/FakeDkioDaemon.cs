using System.Globalization;
using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary>
/// A daemon answering the disk ioctl verbs of dkio(7) (dk-*) in the contract's text form, over four instances:
/// physical "d0" (device 1, 204800 blocks, a VTOC with slices 0 root, 1 swap and 2 backup), physical "big"
/// (device 2, 16 GiB: no virtual geometry, no VTOC), slice "d0s0" (device 3, slice 0 of d0) and mirror "m0"
/// (device 4, 204800 blocks; capable of ABR and DMR; sides image0 and image1, of which it holds the first 64 KiB). Partition "p0" has a remap instance
/// for dk-addbad. Unknown names are ENOENT; setting verbs change the state as the engine does.
/// </summary>
internal sealed class FakeDkioDaemon
{
    public const long DiskBlocks = 204800;
    public const long BigBlocks = 16L << 21;
    public const long Sane = 0x600DDEEE;

    public FakeDkioDaemon()
    {
        Channel = new RecordingChannel(Answer);
        Vtocs["d0"] = new FakeVtoc("vol1", "vdmfuse test disk",
            new Dictionary<int, (long, long, long, long)>
            {
                [0] = (2, 0x00, 2048, 40960),
                [1] = (3, 0x01, 43008, 8192),
                [2] = (5, 0x01, 0, DiskBlocks),
            });
    }

    public RecordingChannel Channel { get; }

    /// <summary>The VTOC of each instance that has one.</summary>
    public Dictionary<string, FakeVtoc> Vtocs { get; } = [];

    /// <summary>The geometry set by dk-set-geom, per instance (ncyl, nhead, nsect).</summary>
    public Dictionary<string, (long Ncyl, long Nhead, long Nsect)> Geometries { get; } = [];

    /// <summary>The master boot record last written by dk-smboot, per instance.</summary>
    public Dictionary<string, byte[]> Mboots { get; } = [];

    /// <summary>The data of each side of m0, in side order; an empty list has no usable side.</summary>
    public List<(string Name, byte[] Data)> Sides { get; } = [("image0", Pattern(0)), ("image1", Pattern(0))];

    /// <summary>m0's set capabilities (DKV_ABR_CAP 0x1, DKV_DMR_CAP 0x2).</summary>
    public long VolcapSet { get; set; } = 0x2;

    /// <summary>Whether m0 is persistent (has a journal): ABR needs it.</summary>
    public bool MirrorPersistent { get; set; } = true;

    /// <summary>The bytes of each side this fake holds: reads past them are short (DKV_DMR_SHORT).</summary>
    public const int SideBytes = 65536;

    /// <summary>The bytes of one side: byte i is (i + seed) mod 251.</summary>
    public static byte[] Pattern(int seed) => Enumerable.Range(0, SideBytes).Select(i => (byte)((i + seed) % 251)).ToArray();

    private static readonly string[] Instances = ["d0", "big", "d0s0", "m0", "p0"];

    private ControlReply Answer(ControlCommand command)
    {
        var name = command.Get("name");
        if (!Instances.Contains(name))
        {
            return ControlReply.Error(ControlErrno.ENOENT, $"{command.Verb}: no instance named '{name}'");
        }
        return command.Verb switch
        {
            ControlVerbs.DkInfo => Info(name),
            ControlVerbs.DkGetGeom => Geometry(name),
            ControlVerbs.DkSetGeom => SetGeometry(command, name),
            ControlVerbs.DkGetVirtgeom when Blocks(name) * 512 > 8L << 30 => ControlReply.Error(ControlErrno.EINVAL,
                $"dk-get-virtgeom: physical '{name}' is {Blocks(name) * 512} bytes: a virtual (CHS) geometry is not relevant for disks over 8 GiB (DKIOCG_VIRTGEOM)"),
            ControlVerbs.DkGetVirtgeom => Geometry(name),
            ControlVerbs.DkMediaInfo => ControlReply.Ok(("media-type", "65537"), ("lbsize", "512"), ("capacity", Text(Blocks(name)))),
            ControlVerbs.DkRemovable or ControlVerbs.DkHotpluggable => ControlReply.Ok(("value", "0")),
            ControlVerbs.DkExtpartinfo => name == "d0s0"
                ? ControlReply.Ok(("start", "2048"), ("length", "40960"))
                : ControlReply.Ok(("start", "0"), ("length", Text(Blocks(name)))),
            ControlVerbs.DkState => ControlReply.Ok(("state", "2")),
            ControlVerbs.DkGetExtvtoc => Vtocs.TryGetValue(name, out var vtoc)
                ? vtoc.Reply()
                : ControlReply.Error(ControlErrno.EINVAL, $"dk-get-extvtoc: physical '{name}' has no VTOC label (write one with DKIOCSEXTVTOC)"),
            ControlVerbs.DkSetExtvtoc => SetVtoc(command, name),
            ControlVerbs.DkGetVolcap when name != "m0" => NotMirror(command.Verb, name),
            ControlVerbs.DkGetVolcap => ControlReply.Ok(("info", MirrorPersistent ? "3" : "2"), ("set", Text(VolcapSet))),
            ControlVerbs.DkSetVolcap => SetVolcap(command, name),
            ControlVerbs.DkDmr => DirectedRead(command, name),
            ControlVerbs.DkSmboot => Smboot(command, name),
            ControlVerbs.DkAddbad => name == "p0"
                ? ControlReply.Ok()
                : ControlReply.Error(ControlErrno.ENOTSUP, $"dk-addbad: physical '{name}' has no remap instance on its disk (DKIOCADDBAD needs one)"),
            _ => ControlReply.Error(ControlErrno.EINVAL, $"{command.Verb}: not expected by this test"),
        };
    }

    private static long Blocks(string name) => name switch
    {
        "big" => BigBlocks,
        "d0s0" => 40960,
        _ => DiskBlocks,
    };

    private static ControlReply Info(string name)
    {
        var (subdriver, unit) = name switch
        {
            "big" => ("physical", "2"),
            "d0s0" => ("slice", "3"),
            "m0" => ("mirror", "4"),
            "p0" => ("partition", "5"),
            _ => ("physical", "1"),
        };
        return ControlReply.Ok(("cname", "vdmfuse"), ("ctype", "16"), ("flags", "0"), ("cnum", "0"), ("addr", "0"), ("space", "0"),
            ("prio", "0"), ("vec", "0"), ("dname", subdriver), ("unit", unit), ("slave", "0"), ("partition", name == "d0s0" ? "0" : "65535"),
            ("maxtransfer", "2048"));
    }

    private ControlReply Geometry(string name)
    {
        var (ncyl, nhead, nsect) = Geometries.TryGetValue(name, out var set) ? set : (Blocks(name) / (255 * 63), 255L, 63L);
        return ControlReply.Ok(("ncyl", Text(ncyl)), ("acyl", "0"), ("bcyl", "0"), ("nhead", Text(nhead)), ("nsect", Text(nsect)),
            ("intrlv", "1"), ("apc", "0"), ("rpm", "7200"), ("pcyl", Text(ncyl)), ("write-reinstruct", "0"), ("read-reinstruct", "0"));
    }

    private ControlReply SetGeometry(ControlCommand command, string name)
    {
        var (ncyl, nhead, nsect) = (command.GetInt64("ncyl"), command.GetInt64("nhead"), command.GetInt64("nsect"));
        if (ncyl * nhead * nsect > Blocks(name))
        {
            return ControlReply.Error(ControlErrno.EINVAL,
                $"dk-set-geom: physical '{name}' has {Blocks(name)} sectors; a geometry of {ncyl} x {nhead} x {nsect} describes {ncyl * nhead * nsect}");
        }
        Geometries[name] = (ncyl, nhead, nsect);
        return ControlReply.Ok();
    }

    private ControlReply SetVtoc(ControlCommand command, string name)
    {
        if (command.GetInt64("sanity") != Sane || command.GetInt64("vtoc-version") != 1 || command.GetInt64("sector-size") != 512 || command.GetInt64("nparts") != 16)
        {
            return ControlReply.Error(ControlErrno.EINVAL, "dk-set-extvtoc: not a sane VTOC");
        }
        var slices = new Dictionary<int, (long, long, long, long)>();
        for (var i = 0; i < 16; i++)
        {
            long Get(string member) => command.GetInt64(CommandTable.SliceField(i, member));
            var (tag, flag, start, size) = (Get("tag"), Get("flag"), Get("start"), Get("size"));
            if (start + size > Blocks(name))
            {
                return ControlReply.Error(ControlErrno.EINVAL,
                    $"dk-set-extvtoc: slice {i} of physical '{name}' ends at sector {start + size}, past its {Blocks(name)} sectors");
            }
            if (size > 0)
            {
                slices[i] = (tag, flag, start, size);
            }
        }
        Vtocs[name] = new FakeVtoc(command.Get("volume"), command.GetOptional("ascii-label") ?? "", slices);
        return ControlReply.Ok(("slices", string.Join(',', slices.Keys.Order().Select(i => $"{name}s{i}"))));
    }

    private ControlReply SetVolcap(ControlCommand command, string name)
    {
        if (name != "m0")
        {
            return NotMirror(command.Verb, name);
        }
        var set = command.GetInt64("set");
        if ((set & 1) != 0 && !MirrorPersistent)
        {
            return ControlReply.Error(ControlErrno.ENOTSUP,
                "dk-set-volcap: mirror 'm0' is not persistent (it has no journal): it has no crash recovery to hand over, so application-based recovery cannot be set");
        }
        VolcapSet = set;
        return ControlReply.Ok();
    }

    private ControlReply DirectedRead(ControlCommand command, string name)
    {
        if (name != "m0")
        {
            return NotMirror(command.Verb, name);
        }
        if ((VolcapSet & 2) == 0)
        {
            return ControlReply.Error(ControlErrno.EINVAL,
                "dk-dmr: directed reads are not enabled on mirror 'm0' (set the directed-read capability, DKV_DMR_CAP, first)");
        }
        var side = command.GetInt64("side");
        var offset = command.GetInt64("offset");
        var nbytes = command.GetInt64("nbytes");
        var next = (int)side + 1;
        if (next >= Sides.Count)
        {
            return side == -1
                ? ControlReply.Ok(("flags", "4"), ("side", "-1"), ("side-name", ""), ("bytesread", "0"), ("data", ""))
                : ControlReply.Ok(("flags", "2"), ("side", Text(side)), ("side-name", ""), ("bytesread", "0"), ("data", ""));
        }
        var data = Sides[next].Data;
        var length = (int)Math.Min(nbytes, data.Length - offset);
        return ControlReply.Ok(("flags", length < nbytes ? "32" : "16"), ("side", Text(next)), ("side-name", Sides[next].Name),
            ("bytesread", Text(length)), ("data", Convert.ToHexStringLower(data.AsSpan((int)offset, length))));
    }

    private ControlReply Smboot(ControlCommand command, string name)
    {
        var sector = Convert.FromHexString(command.Get("mboot"));
        if (sector.Length != 512)
        {
            return ControlReply.Error(ControlErrno.EINVAL, $"dk-smboot: field 'mboot' is {sector.Length} bytes; a master boot record is 512 bytes (1024 hexadecimal digits)");
        }
        if (sector[510] != 0x55 || sector[511] != 0xAA)
        {
            return ControlReply.Error(ControlErrno.EINVAL,
                $"dk-smboot: physical '{name}': the master boot record's signature is 0x{sector[511]:x2}{sector[510]:x2}, not 0xaa55");
        }
        Mboots[name] = sector;
        return ControlReply.Ok();
    }

    private static ControlReply NotMirror(string verb, string name) =>
        ControlReply.Error(ControlErrno.EINVAL, $"{verb}: '{name}' is not a mirror: it has no volume capabilities (DKIOCGETVOLCAP)");

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A VTOC: volume, ASCII label and the slices that have sectors (tag, flag, start, size).</summary>
    internal sealed record FakeVtoc(string Volume, string AsciiLabel, Dictionary<int, (long Tag, long Flag, long Start, long Size)> Slices)
    {
        public ControlReply Reply()
        {
            var fields = new List<ControlField>
            {
                new("sanity", Text(Sane)), new("vtoc-version", "1"), new("volume", Volume), new("sector-size", "512"), new("nparts", "16"),
                new("ascii-label", AsciiLabel),
            };
            for (var i = 0; i < 16; i++)
            {
                var (tag, flag, start, size) = Slices.TryGetValue(i, out var slice) ? slice : (0, 0, 0, 0);
                fields.Add(new ControlField(CommandTable.SliceField(i, "tag"), Text(tag)));
                fields.Add(new ControlField(CommandTable.SliceField(i, "flag"), Text(flag)));
                fields.Add(new ControlField(CommandTable.SliceField(i, "start"), Text(start)));
                fields.Add(new ControlField(CommandTable.SliceField(i, "size"), Text(size)));
            }
            return ControlReply.Success(fields, []);
        }
    }
}
