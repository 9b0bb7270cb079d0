using System.Globalization;

namespace VdmFuse.Control;

// The disk ioctls of dkio(7) as verbs (dk-*): every one takes the instance as name=X and works on every instance; the ones
// that change the disk or the driver's notion of it (dk-set-*, dk-smboot, dk-addbad) are privileged.
public static partial class CommandTable
{
    /// <summary>The fields of a geometry (dkio(7) <c>struct dk_geom</c>) in the text form, in packet order.</summary>
    public static IReadOnlyList<string> GeometryFields =>
        ["ncyl", "acyl", "bcyl", "nhead", "nsect", "intrlv", "apc", "rpm", "pcyl", "write-reinstruct", "read-reinstruct"];

    /// <summary>The fields of a VTOC's header in the text form (its 16 slices are pN-tag, pN-flag, pN-start and pN-size).</summary>
    public static IReadOnlyList<string> VtocFields => ["sanity", "vtoc-version", "volume", "sector-size", "nparts", "ascii-label"];

    /// <summary>The text field of member <paramref name="member"/> (tag, flag, start, size) of VTOC slice <paramref name="slice"/>: "p3-start".</summary>
    public static string SliceField(int slice, string member) => $"p{slice.ToString(CultureInfo.InvariantCulture)}-{member}";

    /// <summary>The text field of member <paramref name="member"/> (cylno, nblk) of partition map <paramref name="map"/>: "m3-nblk".</summary>
    public static string MapField(int map, string member) => $"m{map.ToString(CultureInfo.InvariantCulture)}-{member}";

    // Computed on use: the Commands table is built before any static member of this file.

    private static CommandSpec[] DkioCommands =>
    [
        Dk(ControlVerbs.DkInfo, "show the controller information of an instance (DKIOCINFO)"),
        Dk(ControlVerbs.DkGetGeom, "show the driver's geometry of an instance (DKIOCGGEOM)"),
        new(ControlVerbs.DkSetGeom, "set the driver's geometry of an instance; the disk is unchanged (DKIOCSGEOM)", Privileged: true, SetGeometryFields),
        Dk(ControlVerbs.DkGetPhygeom, "show the physical geometry of an instance (DKIOCG_PHYGEOM)"),
        Dk(ControlVerbs.DkGetVirtgeom, "show the firmware (CHS) geometry of an instance of at most 8 GiB (DKIOCG_VIRTGEOM)"),
        Dk(ControlVerbs.DkGetVtoc, "show the VTOC of an instance of at most 1 TiB (DKIOCGVTOC)"),
        new(ControlVerbs.DkSetVtoc, "write the VTOC of an instance of at most 1 TiB; its slices become instances NAMEsN (DKIOCSVTOC)", Privileged: true, SetVtocFields),
        Dk(ControlVerbs.DkGetExtvtoc, "show the VTOC of an instance (DKIOCGEXTVTOC)"),
        new(ControlVerbs.DkSetExtvtoc, "write the VTOC of an instance; its slices become instances NAMEsN (DKIOCSEXTVTOC)", Privileged: true, SetVtocFields),
        Dk(ControlVerbs.DkGetApart, "show the driver's partition map of an instance: start cylinder and blocks of each slice (DKIOCGAPART)"),
        new(ControlVerbs.DkSetApart, "set the driver's partition map of an instance without writing the disk (DKIOCSAPART)", Privileged: true, SetAllMapFields),
        Dk(ControlVerbs.DkMediaInfo, "show the media type, logical block size and capacity of an instance (DKIOCGMEDIAINFO)"),
        Dk(ControlVerbs.DkRemovable, "show whether an instance has removable media (DKIOCREMOVABLE)"),
        Dk(ControlVerbs.DkHotpluggable, "show whether an instance is hot-pluggable (DKIOCHOTPLUGGABLE)"),
        new(ControlVerbs.DkState, "show the media state of an instance (the ioctl waits while it equals state) (DKIOCSTATE)", Privileged: false,
        [
            FieldSpec.Required("name"),
            FieldSpec.Optional("state", FieldType.Integer),
        ]),
        Dk(ControlVerbs.DkEject, "eject the media of an instance: not supported, the media are fixed (DKIOCEJECT)"),
        Dk(ControlVerbs.DkLock, "lock the door of an instance: not supported, the media are fixed (DKIOCLOCK)"),
        Dk(ControlVerbs.DkUnlock, "unlock the door of an instance: not supported, the media are fixed (DKIOCUNLOCK)"),
        Dk(ControlVerbs.DkPartinfo, "show the start and length of a partition or slice, 32-bit (DKIOCPARTINFO)"),
        Dk(ControlVerbs.DkExtpartinfo, "show the start and length of a partition or slice (DKIOCEXTPARTINFO)"),
        new(ControlVerbs.DkSmboot, "write a master boot record (512 bytes as 1024 hex digits) to sector 0 of an instance (DKIOCSMBOOT)", Privileged: true,
        [
            FieldSpec.Required("name"),
            FieldSpec.Required("mboot", FieldType.Hex),
        ]),
        Dk(ControlVerbs.DkGetVolcap, "show the volume capabilities of a mirror: info and set bits (DKIOCGETVOLCAP)"),
        new(ControlVerbs.DkSetVolcap, "set the volume capabilities of a mirror: ABR 0x1, DMR 0x2 (DKIOCSETVOLCAP)", Privileged: true,
        [
            FieldSpec.Required("name"),
            FieldSpec.Required("set", FieldType.Integer),
        ]),
        new(ControlVerbs.DkDmr, "read nbytes at byte offset from the next side of a mirror (side=-1 first) (DKIODMR)", Privileged: false,
        [
            FieldSpec.Required("name"),
            FieldSpec.Optional("flags", FieldType.Integer),
            FieldSpec.Optional("side", FieldType.Integer),
            FieldSpec.Required("offset", FieldType.Integer),
            FieldSpec.Required("nbytes", FieldType.Integer),
        ]),
        new(ControlVerbs.DkAddbad, "make the bad-block remap instance of an instance's disk re-read its tables (DKIOCADDBAD)", Privileged: true,
        [
            FieldSpec.Required("name"),
        ]),
    ];

    private static CommandSpec Dk(string verb, string summary) => new(verb, summary, Privileged: false, [FieldSpec.Required("name")]);

    private static FieldSpec[] SetGeometryFields =>
    [
        FieldSpec.Required("name"),
        .. GeometryFields.Select(key => key is "ncyl" or "nhead" or "nsect" ? FieldSpec.Required(key, FieldType.Integer) : FieldSpec.Optional(key, FieldType.Integer)),
    ];

    private static FieldSpec[] SetVtocFields =>
    [
        FieldSpec.Required("name"),
        FieldSpec.Optional("sanity", FieldType.Integer),
        FieldSpec.Optional("vtoc-version", FieldType.Integer),
        FieldSpec.Optional("volume"),
        FieldSpec.Optional("sector-size", FieldType.Integer),
        FieldSpec.Optional("nparts", FieldType.Integer),
        FieldSpec.Optional("ascii-label"),
        .. Enumerable.Range(0, VdmAbi.VNumPar).SelectMany(slice => new[]
        {
            FieldSpec.Optional(SliceField(slice, "tag"), FieldType.Integer),
            FieldSpec.Optional(SliceField(slice, "flag"), FieldType.Integer),
            FieldSpec.Optional(SliceField(slice, "start"), FieldType.Integer),
            FieldSpec.Optional(SliceField(slice, "size"), FieldType.Integer),
        }),
    ];

    private static FieldSpec[] SetAllMapFields =>
    [
        FieldSpec.Required("name"),
        .. Enumerable.Range(0, VdmAbi.VNumPar).SelectMany(map => new[]
        {
            FieldSpec.Optional(MapField(map, "cylno"), FieldType.Integer),
            FieldSpec.Optional(MapField(map, "nblk"), FieldType.Integer),
        }),
    ];
}
