using System.Globalization;
using System.Text;
using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests.Packets;

/// <summary>The packet table against the C header: gcc prints every size, offset, constant and ioctl number.</summary>
public class PacketLayoutHeaderTests
{
    /// <summary>Every VDM_* constant of the header, as the C# side knows it.</summary>
    private static readonly Dictionary<string, ulong> Constants = new(StringComparer.Ordinal)
    {
        ["VDM_PACKET_VERSION_0"] = VdmAbi.PacketVersion0,
        ["VDM_REQUEST_MAGIC"] = VdmAbi.RequestMagic,
        ["VDM_REPLY_MAGIC"] = VdmAbi.ReplyMagic,
        ["VDM_NAME_SIZE"] = VdmAbi.NameSize,
        ["VDM_PATH_SIZE"] = VdmAbi.PathSize,
        ["VDM_MESSAGE_SIZE"] = VdmAbi.MessageSize,
        ["VDM_NODEV"] = VdmAbi.NoDevice,
        ["VDM_MAX_ADDRESS_DEPTH"] = VdmAbi.MaxAddressDepth,
        ["VDM_MAX_DB_COPIES"] = VdmAbi.MaxDbCopies,
        ["VDM_MAX_DEVICES"] = (ulong)VdmAbi.MaxDevices,
        ["VDM_MAX_VOLUMES"] = (ulong)VdmAbi.MaxVolumes,
        ["VDM_SUBDRIVER_NON_VDM"] = VdmAbi.SubdriverNonVdm,
        ["VDM_SUBDRIVER_PHYSICAL"] = VdmAbi.SubdriverPhysical,
        ["VDM_SUBDRIVER_PARTITION"] = VdmAbi.SubdriverPartition,
        ["VDM_SUBDRIVER_MIRROR"] = VdmAbi.SubdriverMirror,
        ["VDM_SUBDRIVER_REMAP"] = VdmAbi.SubdriverRemap,
        ["VDM_SUBDRIVER_FAULT"] = VdmAbi.SubdriverFault,
        ["VDM_SUBDRIVER_VOLUME"] = VdmAbi.SubdriverVolume,
        ["VDM_FAULT_OP_READ"] = VdmAbi.FaultOpRead,
        ["VDM_FAULT_OP_WRITE"] = VdmAbi.FaultOpWrite,
        ["VDM_FAULT_OP_BOTH"] = VdmAbi.FaultOpBoth,
        ["VDM_MAX_FAULT_RULES"] = (ulong)VdmAbi.MaxFaultRules,
        ["VDM_MIRROR_MAX_IMAGES"] = (ulong)VdmAbi.MirrorMaxImages,
        ["VDM_MIRROR_AUTOMATIC_SYNC"] = VdmAbi.MirrorAutomaticSync,
        ["VDM_MIRROR_SYNC_IN_PROGRESS"] = VdmAbi.MirrorSyncInProgress,
        ["VDM_MIRROR_CORRUPT"] = VdmAbi.MirrorCorrupt,
        ["VDM_MIRROR_SYNC_SOURCE"] = VdmAbi.MirrorSyncSource,
        ["VDM_MIRROR_SYNC_DESTINATION"] = VdmAbi.MirrorSyncDestination,
        ["VDM_MIRROR_FRACTURED"] = VdmAbi.MirrorFractured,
        ["VDM_MIRROR_CMD_SYNC_IMAGES"] = MirrorCommand("sync-images"),
        ["VDM_MIRROR_CMD_TERMINATE_SYNC"] = MirrorCommand("terminate-sync"),
        ["VDM_MIRROR_CMD_THROTTLE_SYNC"] = MirrorCommand("throttle-sync"),
        ["VDM_MIRROR_CMD_FRACTURE_IMAGE"] = MirrorCommand("fracture-image"),
        ["VDM_REMAP_CMD_LIST_REMAP_TABLE"] = RemapCommand("list-remap-table"),
        ["VDM_REMAP_CMD_FORCE_REMAP"] = RemapCommand("force-remap"),
        ["VDM_REMAP_CMD_RECOVER_BAD_BLOCK"] = RemapCommand("recover-bad-block"),
        ["VDM_REMAP_PRIMARY_TABLE_CHILD"] = VdmAbi.RemapPrimaryTableChild,
        ["VDM_REMAP_SECONDARY_TABLE_CHILD"] = VdmAbi.RemapSecondaryTableChild,
        ["VDM_REMAP_REMAP_AREA_CHILD"] = VdmAbi.RemapAreaChild,
        ["VDM_REMAP_UNMAPPED_BB_ENTRY"] = VdmAbi.RemapUnmappedEntry,
        ["VDM_REMAP_MAPPED_BB_ENTRY"] = VdmAbi.RemapMappedEntry,
        ["VDM_REMAP_FORCED_BB_ENTRY"] = VdmAbi.RemapForcedEntry,
        ["VDM_REMAP_PSEUDO_BB_ENTRY"] = VdmAbi.RemapPseudoEntry,
        ["VDM_REMAP_BAD_REMAP_BB_ENTRY"] = VdmAbi.RemapBadRemapEntry,
        ["VDM_REMAP_TABLE_IN_USE"] = VdmAbi.RemapTableInUse,
        ["VDM_REMAP_TABLE_FAILED"] = VdmAbi.RemapTableFailed,
        ["VDM_REMAP_MAX_TABLE_BLOCKS"] = (ulong)VdmAbi.RemapMaxTableBlocks,
        ["VDM_REMAP_TABLE_ENTRIES_PER_BLOCK"] = (ulong)VdmAbi.RemapTableEntriesPerBlock,
        ["VDM_REMAP_MAX_BLOCKS_REMAPPABLE"] = (ulong)VdmAbi.RemapMaxBlocksRemappable,
        ["VDM_PHYS_DIRECT"] = VdmAbi.PhysDirect,
        ["VDM_PHYS_BLOCK_DEVICE"] = VdmAbi.PhysBlockDevice,
        ["VDM_IOC_TYPE"] = VdmAbi.IoctlType,
        ["VDM_SUBDRIVER_SLICE"] = VdmAbi.SubdriverSlice,
        ["VDM_DK_DEVLEN"] = (ulong)VdmAbi.DkDevLen,
        ["VDM_DKC_MD"] = VdmAbi.DkcMd,
        ["VDM_DK_FIXED_DISK"] = VdmAbi.DkFixedDisk,
        ["VDM_DKIO_NONE"] = VdmAbi.DkioNone,
        ["VDM_DKIO_EJECTED"] = VdmAbi.DkioEjected,
        ["VDM_DKIO_INSERTED"] = VdmAbi.DkioInserted,
        ["VDM_VTOC_SANE"] = VdmAbi.VtocSane,
        ["VDM_V_VERSION"] = VdmAbi.VVersion,
        ["VDM_V_NUMPAR"] = (ulong)VdmAbi.VNumPar,
        ["VDM_LEN_DKL_VVOL"] = (ulong)VdmAbi.LenDklVvol,
        ["VDM_LEN_DKL_ASCII"] = (ulong)VdmAbi.LenDklAscii,
        ["VDM_V_UNASSIGNED"] = VdmAbi.VUnassigned,
        ["VDM_V_BOOT"] = VdmAbi.VBoot,
        ["VDM_V_ROOT"] = VdmAbi.VRoot,
        ["VDM_V_SWAP"] = VdmAbi.VSwap,
        ["VDM_V_USR"] = VdmAbi.VUsr,
        ["VDM_V_BACKUP"] = VdmAbi.VBackup,
        ["VDM_V_STAND"] = VdmAbi.VStand,
        ["VDM_V_VAR"] = VdmAbi.VVar,
        ["VDM_V_HOME"] = VdmAbi.VHome,
        ["VDM_V_ALTSCTR"] = VdmAbi.VAltsctr,
        ["VDM_V_RESERVED"] = VdmAbi.VReserved,
        ["VDM_V_SYSTEM"] = VdmAbi.VSystem,
        ["VDM_V_UNMNT"] = VdmAbi.VUnmnt,
        ["VDM_V_RONLY"] = VdmAbi.VRonly,
        ["VDM_DKV_ABR_CAP"] = VdmAbi.DkvAbrCap,
        ["VDM_DKV_DMR_CAP"] = VdmAbi.DkvDmrCap,
        ["VDM_DKV_SIDE_INIT"] = unchecked((ulong)(long)VdmAbi.DkvSideInit),
        ["VDM_DKV_DMR_NEXT_SIDE"] = VdmAbi.DkvDmrNextSide,
        ["VDM_DKV_DMR_DONE"] = VdmAbi.DkvDmrDone,
        ["VDM_DKV_DMR_ERROR"] = VdmAbi.DkvDmrError,
        ["VDM_DKV_DMR_SUCCESS"] = VdmAbi.DkvDmrSuccess,
        ["VDM_DKV_DMR_SHORT"] = VdmAbi.DkvDmrShort,
        ["VDM_DMR_MAX_DATA"] = (ulong)VdmAbi.DmrMaxData,
        ["VDM_MBOOT_SIGNATURE"] = VdmAbi.MbootSignature,
        ["VDM_BOOTSZ"] = (ulong)VdmAbi.BootSize,
        ["VDM_FD_NUMPART"] = (ulong)VdmAbi.FdNumPart,
        ["VDM_SUNIXOS"] = VdmAbi.SunIxOs,
        ["VDM_SUNIXOS2"] = VdmAbi.SunIxOs2,
        ["VDM_PHYS_CMD_FLUSH"] = CommandTable.SubdriverCommands.Single(c => c is { Subdriver: "physical", Command: "flush" }).Number,
        ["VDM_PHYS_CMD_GET_INFO"] = CommandTable.SubdriverCommands.Single(c => c is { Subdriver: "physical", Command: "get-info" }).Number,
    };

    /// <summary>The sizes of the structs and unions that no command packet row names on its own.</summary>
    private static readonly Dictionary<string, int> PieceSizes = new(StringComparer.Ordinal)
    {
        ["struct vdm_instance_specifier"] = 16,
        ["struct vdm_physical_attributes"] = 24 + VdmAbi.PathSize,
        ["struct vdm_partition_attributes"] = 32,
        ["struct vdm_fault_attributes"] = 24,
        ["struct vdm_mirror_create_attributes"] = 40,
        ["struct vdm_mirror_get_attributes"] = 40,
        ["struct vdm_mirror_update_attributes"] = 20,
        ["struct vdm_mirror_child_role"] = 64,
        ["struct vdm_remap_create_attributes"] = 16,
        ["struct vdm_remap_get_attributes"] = 80,
        ["struct vdm_remap_child_role"] = 8,
        ["union vdm_subdriver_attributes"] = 1056,
        ["union vdm_child_role"] = 64,
        ["struct vdm_physical_info"] = 1024,
        ["struct vdm_partition"] = 12,
        ["struct vdm_vtoc"] = 456,
        ["struct vdm_extpartition"] = 24,
        ["struct vdm_extvtoc"] = 776,
        ["struct vdm_dk_map"] = 8,
        ["struct vdm_ipart"] = 16,
        ["struct vdm_mboot"] = 512,
    };

    [Fact]
    public void Header_EveryConstant_MatchesTheCodec()
    {
        var expected = new Dictionary<string, ulong>(Constants);
        foreach (var layout in PacketLayouts.Commands)
        {
            expected[layout.CommandMacro] = layout.Command;
            expected[layout.IoctlMacro] = layout.IoctlNumber;
        }
        var defined = CHeader.DefinedConstants().Concat(["VDM_PHYS_CMD_FLUSH", "VDM_PHYS_CMD_GET_INFO"]).Distinct().ToList();
        Assert.Empty(defined.Except(expected.Keys));
        Assert.Empty(expected.Keys.Except(defined));

        var body = new StringBuilder();
        foreach (var name in defined)
        {
            body.AppendLine(CultureInfo.InvariantCulture, $"    printf(\"{name} %llu\\n\", (unsigned long long)({name}));");
        }
        var actual = Parse(CHeader.Run(body.ToString()));

        Assert.Equal(defined.Count, actual.Count);
        foreach (var name in defined)
        {
            Assert.True(expected[name] == actual[name], $"{name}: C says {actual[name]}, the codec {expected[name]}");
        }
    }

    [Fact]
    public void Header_EveryStructAndField_MatchesThePacketTable()
    {
        var expected = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var body = new StringBuilder();
        void Expect(string key, string cExpression, long value)
        {
            expected.Add(key, (ulong)value);
            body.AppendLine(CultureInfo.InvariantCulture, $"    printf(\"{key} %llu\\n\", (unsigned long long)({cExpression}));");
        }

        foreach (var layout in PacketLayouts.Commands.Append(PacketLayouts.RequestHeader).Append(PacketLayouts.ReplyHeader))
        {
            var type = $"struct {layout.CStruct}";
            if (expected.TryGetValue($"sizeof({type})", out var shared))
            {
                // Several commands share one struct (the geometry ioctls): one size for all.
                Assert.True((ulong)layout.Size == shared, $"{layout.Verb}: {type} is {layout.Size} bytes here and {shared} for another command");
            }
            else
            {
                Expect($"sizeof({type})", $"sizeof({type})", layout.Size);
            }
            foreach (var field in layout.Fields)
            {
                string offset, size;
                if (field.Inner is { } inner)
                {
                    offset = $"offsetof({type}, {inner.ArrayMember}) + offsetof(struct {inner.Struct}, {inner.Member})";
                    size = $"sizeof(((struct {inner.Struct} *)0)->{inner.Member})";
                }
                else
                {
                    var member = field.Name.Replace('-', '_');
                    offset = $"offsetof({type}, {member})";
                    size = $"sizeof((({type} *)0)->{member})";
                }
                Expect($"{layout.Verb}.{field.Name}.offset", offset, field.Offset);
                Expect($"{layout.Verb}.{field.Name}.size", size, field.Size);
                if (field.Records is { } records)
                {
                    var element = $"struct {records.CStruct}";
                    Expect($"{layout.Verb}.{field.Name}.count", $"sizeof((({type} *)0)->{field.Name}) / sizeof({element})", records.MaxCount);
                    foreach (var member in records.Fields)
                    {
                        var cMember = member.Name.Replace('-', '_');
                        Expect($"{layout.Verb}.{field.Name}[].{member.Name}.offset", $"offsetof({element}, {cMember})", member.Offset);
                        Expect($"{layout.Verb}.{field.Name}[].{member.Name}.size", $"sizeof((({element} *)0)->{cMember})", member.Size);
                    }
                    if (!expected.ContainsKey($"sizeof({element})"))
                    {
                        Expect($"sizeof({element})", $"sizeof({element})", records.ElementSize);
                    }
                }
            }
        }
        foreach (var (name, size) in PieceSizes)
        {
            Expect($"sizeof({name})", $"sizeof({name})", size);
        }
        var declared = CHeader.DefinedAggregates().Select(name => $"sizeof({name})").ToList();
        Assert.Empty(declared.Except(expected.Keys));

        var actual = Parse(CHeader.Run(body.ToString()));

        Assert.Equal(expected.Count, actual.Count);
        var wrong = expected.Where(pair => actual[pair.Key] != pair.Value)
            .Select(pair => $"{pair.Key}: C says {actual[pair.Key]}, the table {pair.Value}").ToList();
        Assert.Empty(wrong);
        Assert.True(expected.Count > 200, $"only {expected.Count} values were compared");
    }

    [Fact]
    public void PacketTable_Rows_CoverEachPacketWithoutOverlapWithinOneVariant()
    {
        foreach (var layout in PacketLayouts.Commands)
        {
            foreach (var variant in layout.Fields.GroupBy(field => string.Join(",", field.When)))
            {
                var rows = layout.Fields.Where(field => field.When.Count == 0 || string.Join(",", field.When) == variant.Key)
                    .OrderBy(field => field.Offset).ToList();
                for (var i = 1; i < rows.Count; i++)
                {
                    Assert.True(rows[i - 1].Offset + rows[i - 1].Size <= rows[i].Offset,
                        $"{layout.Verb}: {rows[i - 1].Name} overlaps {rows[i].Name}");
                }
                Assert.True(rows[^1].Offset + rows[^1].Size <= layout.Size, $"{layout.Verb}: {rows[^1].Name} runs past the packet");
            }
        }
    }

    [Fact]
    public void PacketTable_EveryInputKey_IsAFieldOfTheTextCommand()
    {
        foreach (var layout in PacketLayouts.Commands)
        {
            var spec = CommandSchema.Get(layout.Verb);
            foreach (var field in layout.Fields.Where(field => field.IsInput && field.Key is not null))
            {
                // An ioctl-subdriver argument's fields are the subdriver command's (the command its conditions select).
                var command = field.When.FirstOrDefault(condition => condition.Field == "command") is { } selected
                    ? CommandTable.SubdriverCommands.Single(c => VdmAbi.SubdriverId(c.Subdriver) == field.When.Single(w => w.Field == "subdriver-id").Value && c.Number == selected.Value)
                    : null;
                Assert.True((command?.FindField(field.Key!) ?? spec.FindField(field.Key!)) is not null,
                    $"{layout.Verb}: packet field {field.Name} maps to unknown text field '{field.Key}'");
            }
            if (layout.InstanceKey is { } instance)
            {
                Assert.NotNull(spec.FindField(instance));
            }
        }
        Assert.Equal(CommandSchema.Commands.Select(c => c.Verb).Where(verb => verb != "help").Order(),
            PacketLayouts.Commands.Select(layout => layout.Verb).Order());
    }

    private static ulong RemapCommand(string command) =>
        CommandTable.SubdriverCommands.Single(c => c.Subdriver == "remap" && c.Command == command).Number;

    private static ulong MirrorCommand(string command) =>
        CommandTable.SubdriverCommands.Single(c => c.Subdriver == "mirror" && c.Command == command).Number;

    private static Dictionary<string, ulong> Parse(IEnumerable<string> lines) =>
        lines.ToDictionary(line => line[..line.LastIndexOf(' ')], line => ulong.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture), StringComparer.Ordinal);
}
