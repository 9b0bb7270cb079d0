using static VdmFuse.Control.PacketDirection;
using static VdmFuse.Control.PacketFieldType;
using static VdmFuse.Control.PacketMapping;

namespace VdmFuse.Control;

// The packets of the disk ioctls (dkio(7)): each starts with the version and the instance's device number (0 on an
// instance's own file: that instance), then the Solaris structure with vdm_ names. Arrays of slices and maps are one row
// per element member, so that each maps to its own text field (p3-start, m3-nblk).
public static partial class PacketLayouts
{
    private const string GeomStruct = "vdm_dk_geom_packet";
    private const string VtocStruct = "vdm_dk_vtoc_packet";
    private const string ExtVtocStruct = "vdm_dk_extvtoc_packet";
    private const string AllMapStruct = "vdm_dk_allmap_packet";
    private const string IntStruct = "vdm_dk_int_packet";
    private const string SimpleStruct = "vdm_dk_simple_packet";
    private const string VolCapStruct = "vdm_dk_volcap_packet";

    // Computed on use, like the mirror's packets: the Commands table is built before any static member of this file.

    /// <summary>
    /// The dkio packets, whose output-only fields ignore what the caller left in them: a Solaris program passes an
    /// uninitialised struct to DKIOCGGEOM or an uninitialised int to DKIOCREMOVABLE, and gets its answer.
    /// </summary>
    private static PacketLayout[] DkioCommands => [.. DkioLayouts.Select(layout => layout with
    {
        Fields = [.. layout.Fields.Select(member => member.Direction is Out or PacketDirection.Unused ? member with { IgnoresInput = true } : member)],
    })];

    private static PacketLayout[] DkioLayouts =>
    [
        new(VdmAbi.CmdDkInfo, ControlVerbs.DkInfo, "vdm_dk_cinfo_packet", 76, "name",
        [
            .. InstanceHeader(),
            Row("cname", 8, PacketFieldType.Path, Out, Text, "cname", size: VdmAbi.DkDevLen),
            Row("ctype", 24, U16, Out, Number, "ctype"),
            Row("flags", 26, U16, Out, Number, "flags"),
            Row("cnum", 28, U16, Out, Number, "cnum"),
            Row("pad", 30, U16, Unused),
            Row("addr", 32, U32, Out, Number, "addr"),
            Row("space", 36, U32, Out, Number, "space"),
            Row("prio", 40, U32, Out, Number, "prio"),
            Row("vec", 44, U32, Out, Number, "vec"),
            Row("dname", 48, PacketFieldType.Path, Out, Text, "dname", size: VdmAbi.DkDevLen),
            Row("unit", 64, U32, Out, Number, "unit"),
            Row("slave", 68, U32, Out, Number, "slave"),
            Row("partition", 72, U16, Out, Number, "partition"),
            Row("maxtransfer", 74, U16, Out, Number, "maxtransfer"),
        ]),
        new(VdmAbi.CmdDkGetGeom, ControlVerbs.DkGetGeom, GeomStruct, 52, "name", GeometryRows(Out)),
        new(VdmAbi.CmdDkSetGeom, ControlVerbs.DkSetGeom, GeomStruct, 52, "name", GeometryRows(In)),
        new(VdmAbi.CmdDkGetPhygeom, ControlVerbs.DkGetPhygeom, GeomStruct, 52, "name", GeometryRows(Out)),
        new(VdmAbi.CmdDkGetVirtgeom, ControlVerbs.DkGetVirtgeom, GeomStruct, 52, "name", GeometryRows(Out)),
        new(VdmAbi.CmdDkGetVtoc, ControlVerbs.DkGetVtoc, VtocStruct, 464, "name", VtocRows(Out)),
        new(VdmAbi.CmdDkSetVtoc, ControlVerbs.DkSetVtoc, VtocStruct, 464, "name", VtocRows(In)),
        new(VdmAbi.CmdDkGetExtvtoc, ControlVerbs.DkGetExtvtoc, ExtVtocStruct, 784, "name", ExtVtocRows(Out)),
        new(VdmAbi.CmdDkSetExtvtoc, ControlVerbs.DkSetExtvtoc, ExtVtocStruct, 784, "name", ExtVtocRows(In)),
        new(VdmAbi.CmdDkGetApart, ControlVerbs.DkGetApart, AllMapStruct, 8 + 8 * VdmAbi.VNumPar, "name", AllMapRows(Out)),
        new(VdmAbi.CmdDkSetApart, ControlVerbs.DkSetApart, AllMapStruct, 8 + 8 * VdmAbi.VNumPar, "name", AllMapRows(In)),
        new(VdmAbi.CmdDkMediaInfo, ControlVerbs.DkMediaInfo, "vdm_dk_minfo_packet", 24, "name",
        [
            .. InstanceHeader(),
            Row("media-type", 8, U32, Out, Number, "media-type"),
            Row("lbsize", 12, U32, Out, Number, "lbsize"),
            Row("capacity", 16, U64, Out, Number, "capacity"),
        ]),
        new(VdmAbi.CmdDkRemovable, ControlVerbs.DkRemovable, IntStruct, 16, "name", IntRows()),
        new(VdmAbi.CmdDkHotpluggable, ControlVerbs.DkHotpluggable, IntStruct, 16, "name", IntRows()),
        new(VdmAbi.CmdDkState, ControlVerbs.DkState, "vdm_dk_state_packet", 16, "name",
        [
            .. InstanceHeader(),
            Row("state", 8, U32, InOut, Number, "state"),
            Row("pad", 12, U32, Unused),
        ]),
        new(VdmAbi.CmdDkEject, ControlVerbs.DkEject, SimpleStruct, 8, "name", InstanceHeader()),
        new(VdmAbi.CmdDkLock, ControlVerbs.DkLock, SimpleStruct, 8, "name", InstanceHeader()),
        new(VdmAbi.CmdDkUnlock, ControlVerbs.DkUnlock, SimpleStruct, 8, "name", InstanceHeader()),
        new(VdmAbi.CmdDkPartinfo, ControlVerbs.DkPartinfo, "vdm_dk_partinfo_packet", 16, "name",
        [
            .. InstanceHeader(),
            Row("start", 8, I32, Out, SignedNumber, "start"),
            Row("length", 12, I32, Out, SignedNumber, "length"),
        ]),
        new(VdmAbi.CmdDkExtpartinfo, ControlVerbs.DkExtpartinfo, "vdm_dk_extpartinfo_packet", 24, "name",
        [
            .. InstanceHeader(),
            Row("start", 8, U64, Out, Number, "start"),
            Row("length", 16, U64, Out, Number, "length"),
        ]),
        new(VdmAbi.CmdDkSmboot, ControlVerbs.DkSmboot, "vdm_dk_mboot_packet", 8 + 512, "name",
        [
            .. InstanceHeader(),
            Row("mboot", 8, Bytes, In, Hex, "mboot", size: 512),
        ]),
        new(VdmAbi.CmdDkGetVolcap, ControlVerbs.DkGetVolcap, VolCapStruct, 16, "name",
        [
            .. InstanceHeader(),
            Row("info", 8, U32, Out, Number, "info"),
            Row("set", 12, U32, Out, Number, "set"),
        ]),
        new(VdmAbi.CmdDkSetVolcap, ControlVerbs.DkSetVolcap, VolCapStruct, 16, "name",
        [
            .. InstanceHeader(),
            // "vc_info flags are ignored": a caller passes back what dk-get-volcap returned.
            Row("info", 8, U32, Unused) with { IgnoresInput = true },
            Row("set", 12, U32, In, Number, "set"),
        ]),
        new(VdmAbi.CmdDkDmr, ControlVerbs.DkDmr, "vdm_dk_dmr_packet", 96 + VdmAbi.DmrMaxData, "name",
        [
            .. InstanceHeader(),
            Row("flags", 8, U32, InOut, Number, "flags"),
            Row("side", 12, I32, InOut, SignedNumber, "side"),
            Row("offset", 16, U64, In, Number, "offset"),
            Row("nbytes", 24, U32, In, Number, "nbytes"),
            // The calling sequence passes the previous call's packet back unchanged: these outputs may hold anything.
            Row("bytesread", 28, U32, Out, Number, "bytesread") with { IgnoresInput = true },
            Row("side-name", 32, Name, Out, Text, "side-name") with { IgnoresInput = true },
            Row("data", 96, Bytes, Out, Hex, "data", size: VdmAbi.DmrMaxData) with { IgnoresInput = true, CountField = "bytesread" },
        ]),
        new(VdmAbi.CmdDkAddbad, ControlVerbs.DkAddbad, SimpleStruct, 8, "name", InstanceHeader()),
    ];
    /// <summary><c>struct vdm_dk_geom_packet</c>: <c>struct dk_geom</c>'s members after the header; the obsolete ones unused.</summary>
    private static PacketField[] GeometryRows(PacketDirection direction)
    {
        PacketField Geom(string name, int offset) => Row(name, offset, U16, direction, Number, name);
        return
        [
            .. InstanceHeader(),
            Geom("ncyl", 8), Geom("acyl", 10), Geom("bcyl", 12), Geom("nhead", 14),
            Row("obs1", 16, U16, Unused),
            Geom("nsect", 18), Geom("intrlv", 20),
            Row("obs2", 22, U16, Unused), Row("obs3", 24, U16, Unused),
            Geom("apc", 26), Geom("rpm", 28), Geom("pcyl", 30), Geom("write-reinstruct", 32), Geom("read-reinstruct", 34),
            Row("extra", 36, Bytes, Unused, size: 14),
            Row("pad", 50, U16, Unused),
        ];
    }

    /// <summary><c>struct vdm_dk_vtoc_packet</c>: the header and <c>struct vdm_vtoc</c> (32-bit fields, 456 bytes).</summary>
    private static PacketField[] VtocRows(PacketDirection direction)
    {
        var rows = new List<PacketField>(InstanceHeader())
        {
            Row("vtoc.bootinfo", 8, Bytes, Unused, size: 12),
            Row("vtoc.sanity", 20, U32, direction, Number, "sanity"),
            Row("vtoc.version", 24, U32, direction, Number, "vtoc-version"),
            Row("vtoc.volume", 28, Chars, direction, Text, "volume", size: VdmAbi.LenDklVvol),
            Row("vtoc.sectorsz", 36, U16, direction, Number, "sector-size"),
            Row("vtoc.nparts", 38, U16, direction, Number, "nparts"),
            Row("vtoc.reserved", 40, Bytes, Unused, size: 40),
        };
        for (var i = 0; i < VdmAbi.VNumPar; i++)
        {
            var at = 80 + 12 * i;
            rows.Add(Row($"vtoc.part[{i}].tag", at, U16, direction, Number, CommandTable.SliceField(i, "tag")));
            rows.Add(Row($"vtoc.part[{i}].flag", at + 2, U16, direction, Number, CommandTable.SliceField(i, "flag")));
            rows.Add(Row($"vtoc.part[{i}].start", at + 4, I32, direction, SignedNumber, CommandTable.SliceField(i, "start")));
            rows.Add(Row($"vtoc.part[{i}].size", at + 8, I32, direction, SignedNumber, CommandTable.SliceField(i, "size")));
        }
        rows.Add(Row("vtoc.timestamp", 272, Bytes, Unused, size: 4 * VdmAbi.VNumPar));
        rows.Add(Row("vtoc.asciilabel", 336, Chars, direction, Text, "ascii-label", size: VdmAbi.LenDklAscii));
        return [.. rows];
    }

    /// <summary><c>struct vdm_dk_extvtoc_packet</c>: the header and <c>struct vdm_extvtoc</c> (64-bit fields, 776 bytes).</summary>
    private static PacketField[] ExtVtocRows(PacketDirection direction)
    {
        var rows = new List<PacketField>(InstanceHeader())
        {
            Row("vtoc.bootinfo", 8, Bytes, Unused, size: 24),
            Row("vtoc.sanity", 32, U64, direction, Number, "sanity"),
            Row("vtoc.version", 40, U64, direction, Number, "vtoc-version"),
            Row("vtoc.volume", 48, Chars, direction, Text, "volume", size: VdmAbi.LenDklVvol),
            Row("vtoc.sectorsz", 56, U16, direction, Number, "sector-size"),
            Row("vtoc.nparts", 58, U16, direction, Number, "nparts"),
            Row("vtoc.pad", 60, Bytes, Unused, size: 4),
            Row("vtoc.reserved", 64, Bytes, Unused, size: 80),
        };
        for (var i = 0; i < VdmAbi.VNumPar; i++)
        {
            var at = 144 + 24 * i;
            rows.Add(Row($"vtoc.part[{i}].tag", at, U16, direction, Number, CommandTable.SliceField(i, "tag")));
            rows.Add(Row($"vtoc.part[{i}].flag", at + 2, U16, direction, Number, CommandTable.SliceField(i, "flag")));
            rows.Add(Row($"vtoc.part[{i}].pad", at + 4, Bytes, Unused, size: 4));
            rows.Add(Row($"vtoc.part[{i}].start", at + 8, U64, direction, Number, CommandTable.SliceField(i, "start")));
            rows.Add(Row($"vtoc.part[{i}].size", at + 16, U64, direction, Number, CommandTable.SliceField(i, "size")));
        }
        rows.Add(Row("vtoc.timestamp", 528, Bytes, Unused, size: 8 * VdmAbi.VNumPar));
        rows.Add(Row("vtoc.asciilabel", 656, Chars, direction, Text, "ascii-label", size: VdmAbi.LenDklAscii));
        return [.. rows];
    }

    /// <summary><c>struct vdm_dk_allmap_packet</c>: the header and 16 <c>struct vdm_dk_map</c> (start cylinder, blocks).</summary>
    private static PacketField[] AllMapRows(PacketDirection direction) =>
    [
        .. InstanceHeader(),
        .. Enumerable.Range(0, VdmAbi.VNumPar).SelectMany(i => new[]
        {
            Row($"map[{i}].cylno", 8 + 8 * i, I32, direction, SignedNumber, CommandTable.MapField(i, "cylno")),
            Row($"map[{i}].nblk", 12 + 8 * i, I32, direction, SignedNumber, CommandTable.MapField(i, "nblk")),
        }),
    ];

    /// <summary><c>struct vdm_dk_int_packet</c>: one int, as DKIOCREMOVABLE and DKIOCHOTPLUGGABLE return.</summary>
    private static PacketField[] IntRows() =>
    [
        .. InstanceHeader(),
        Row("value", 8, I32, Out, SignedNumber, "value"),
        Row("pad", 12, U32, Unused),
    ];
}
