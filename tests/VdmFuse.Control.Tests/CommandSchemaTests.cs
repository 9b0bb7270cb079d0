using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests;

public class CommandSchemaTests
{
    [Fact]
    public void Default_Verbs_AreTheDeclaredTableInOrder()
    {
        Assert.Equal(
            [
                "create-instance", "delete-instance", "link-child-instance", "unlink-child-instance", "get-child-instance",
                "get-attributes", "update-attributes", "ioctl-subdriver", "get-instances", "dsk-get", "dsk-usage",
                "dsk-get-address", "get-mode", "db-list", "db-check", "db-add", "db-remove", "db-reinit", "db-restore", "enable",
                "format-dev", "mount-dev", "dismount-dev", "dismount-all", "list-devices", "list-volumes", "get-device-quota",
                "create-volume", "destroy-volume", "fault-add", "fault-clear", "fault-list", "sync-images", "terminate-sync",
                "throttle-sync", "fracture-image", "remap-format", "list-remap-table", "force-remap", "recover-bad-block",
                "dk-info", "dk-get-geom", "dk-set-geom", "dk-get-phygeom", "dk-get-virtgeom", "dk-get-vtoc", "dk-set-vtoc", "dk-get-extvtoc", "dk-set-extvtoc",
                "dk-get-apart", "dk-set-apart", "dk-media-info", "dk-removable", "dk-hotpluggable", "dk-state", "dk-eject", "dk-lock", "dk-unlock",
                "dk-partinfo", "dk-extpartinfo", "dk-smboot", "dk-get-volcap", "dk-set-volcap", "dk-dmr", "dk-addbad", "help",
            ],
            CommandSchema.Commands.Select(c => c.Verb));
    }

    [Theory]
    [InlineData("create-instance", true)]
    [InlineData("delete-instance", true)]
    [InlineData("link-child-instance", true)]
    [InlineData("unlink-child-instance", true)]
    [InlineData("update-attributes", true)]
    [InlineData("get-child-instance", false)]
    [InlineData("get-attributes", false)]
    [InlineData("get-instances", false)]
    [InlineData("dsk-get", false)]
    [InlineData("dsk-usage", false)]
    [InlineData("dsk-get-address", false)]
    [InlineData("help", false)]
    [InlineData("get-mode", false)]
    [InlineData("db-list", false)]
    [InlineData("db-check", false)]
    [InlineData("db-add", true)]
    [InlineData("format-dev", true)]
    [InlineData("mount-dev", true)]
    [InlineData("dismount-dev", true)]
    [InlineData("dismount-all", true)]
    [InlineData("create-volume", true)]
    [InlineData("destroy-volume", true)]
    [InlineData("list-devices", false)]
    [InlineData("list-volumes", false)]
    [InlineData("get-device-quota", false)]
    [InlineData("db-remove", true)]
    [InlineData("db-reinit", true)]
    [InlineData("db-restore", true)]
    [InlineData("enable", true)]
    [InlineData("fault-add", true)]
    [InlineData("fault-clear", true)]
    [InlineData("fault-list", false)]
    [InlineData("sync-images", true)]
    [InlineData("terminate-sync", true)]
    [InlineData("throttle-sync", true)]
    [InlineData("fracture-image", true)]
    [InlineData("remap-format", true)]
    [InlineData("list-remap-table", false)]
    [InlineData("force-remap", true)]
    [InlineData("recover-bad-block", true)]
    [InlineData("dk-info", false)]
    [InlineData("dk-get-geom", false)]
    [InlineData("dk-set-geom", true)]
    [InlineData("dk-get-phygeom", false)]
    [InlineData("dk-get-virtgeom", false)]
    [InlineData("dk-get-vtoc", false)]
    [InlineData("dk-set-vtoc", true)]
    [InlineData("dk-get-extvtoc", false)]
    [InlineData("dk-set-extvtoc", true)]
    [InlineData("dk-get-apart", false)]
    [InlineData("dk-set-apart", true)]
    [InlineData("dk-media-info", false)]
    [InlineData("dk-removable", false)]
    [InlineData("dk-hotpluggable", false)]
    [InlineData("dk-state", false)]
    [InlineData("dk-eject", false)]
    [InlineData("dk-lock", false)]
    [InlineData("dk-unlock", false)]
    [InlineData("dk-partinfo", false)]
    [InlineData("dk-extpartinfo", false)]
    [InlineData("dk-smboot", true)]
    [InlineData("dk-get-volcap", false)]
    [InlineData("dk-set-volcap", true)]
    [InlineData("dk-dmr", false)]
    [InlineData("dk-addbad", true)]
    public void IsPrivileged_DefaultVerb_MatchesTable(string verb, bool privileged)
    {
        Assert.Equal(privileged, CommandSchema.IsPrivileged(new ControlCommand(verb)));
    }

    [Fact]
    public void CheckPermission_PrivilegedVerbFromNonRoot_ThrowsEperm()
    {
        var command = TextCodec.Parse("delete-instance name=d0")!;
        ControlAssert.Fails(ControlErrno.EPERM, "delete-instance: only root may run this command (caller uid 1000)",
            () => CommandSchema.CheckPermission(command, 1000));
    }

    [Fact]
    public void CheckPermission_PrivilegedVerbFromRoot_Passes()
    {
        CommandSchema.CheckPermission(TextCodec.Parse("delete-instance name=d0")!, 0);
        CommandSchema.CheckPermission(TextCodec.Parse("get-instances")!, 1000);
    }

    [Theory]
    [InlineData("ioctl-subdriver subdriver=physical name=d0 command=flush", true)]
    [InlineData("ioctl-subdriver subdriver=physical name=d0 command=get-info", false)]
    public void IsPrivileged_SubdriverCommand_FollowsTheSubdriverCommandTable(string line, bool privileged)
    {
        Assert.Equal(privileged, CommandSchema.IsPrivileged(TextCodec.Parse(line)!));
    }

    [Fact]
    public void IsPrivileged_UnknownSubdriverCommand_ThrowsEinvalNamingIt()
    {
        ControlAssert.Fails(ControlErrno.EINVAL, "ioctl-subdriver: subdriver physical has no command 'x'",
            () => CommandSchema.IsPrivileged(new ControlCommand("ioctl-subdriver",
                new ControlField("subdriver", "physical"), new ControlField("name", "d0"), new ControlField("command", "x"))));
        ControlAssert.Fails(ControlErrno.EINVAL, "ioctl-subdriver: unknown subdriver 'disk' (known: physical, partition, mirror, remap, fault, volume, slice)",
            () => CommandSchema.IsPrivileged(new ControlCommand("ioctl-subdriver",
                new ControlField("subdriver", "disk"), new ControlField("name", "d0"), new ControlField("command", "flush"))));
    }

    [Fact]
    public void Parse_SubdriverWithoutThatCommand_ThrowsEinvalNamingSubdriverAndCommand()
    {
        ControlAssert.ParseFails(ControlErrno.EINVAL, "ioctl-subdriver: subdriver partition has no command 'flush'",
            "ioctl-subdriver subdriver=partition name=p0 command=flush");
        ControlAssert.ParseFails(ControlErrno.EINVAL, "ioctl-subdriver: subdriver physical has no command 'x'",
            "ioctl-subdriver subdriver=physical name=d0 command=x");
    }

    [Fact]
    public void CheckPermission_UnprivilegedCallerWithAdminGroup_ThrowsEpermNamingTheGroup()
    {
        var command = TextCodec.Parse("create-instance subdriver=physical name=d0 path=/tmp/x")!;
        ControlAssert.Fails(ControlErrno.EPERM, "create-instance: only root or members of group 'vdmadm' may run this command (caller uid 1000)",
            () => CommandSchema.CheckPermission(command, callerIsPrivileged: false, 1000, "vdmadm"));
        ControlAssert.Fails(ControlErrno.EPERM, "create-instance: only root may run this command (caller uid 1000)",
            () => CommandSchema.CheckPermission(command, callerIsPrivileged: false, 1000, null));
        ControlAssert.Fails(ControlErrno.EPERM, "ioctl-subdriver: only root or members of group '1234' may run this command (caller uid 7)",
            () => CommandSchema.CheckPermission(TextCodec.Parse("ioctl-subdriver subdriver=physical name=d0 command=flush")!, false, 7, "1234"));
    }

    [Fact]
    public void CheckPermission_PrivilegedCallerOrOpenCommand_Passes()
    {
        CommandSchema.CheckPermission(TextCodec.Parse("delete-instance name=d0")!, callerIsPrivileged: true, 1000, "vdmadm");
        CommandSchema.CheckPermission(TextCodec.Parse("dsk-usage name=d0")!, callerIsPrivileged: false, 1000, "vdmadm");
        CommandSchema.CheckPermission(TextCodec.Parse("ioctl-subdriver subdriver=physical name=d0 command=get-info")!, false, 1000, "vdmadm");
    }

    [Fact]
    public void CheckPermission_UnknownVerb_ThrowsEinval()
    {
        ControlAssert.Fails(ControlErrno.EINVAL, "unknown command 'foo'; try 'help'",
            () => CommandSchema.CheckPermission(new ControlCommand("foo"), 0));
    }

    [Fact]
    public void Validate_CommandBuiltInCode_AppliesTheSameRulesAsParse()
    {
        ControlAssert.Fails(ControlErrno.EINVAL, "delete-instance: field 'name' is given twice",
            () => CommandSchema.Validate(new ControlCommand("delete-instance", new ControlField("name", "a"), new ControlField("name", "b"))));
        ControlAssert.Fails(ControlErrno.EINVAL, "delete-instance: unknown field 'colour'",
            () => CommandSchema.Validate(new ControlCommand("delete-instance", new ControlField("colour", "red"))));
        ControlAssert.Fails(ControlErrno.EINVAL, "delete-instance: missing field 'name'",
            () => CommandSchema.Validate(new ControlCommand("delete-instance")));
        CommandSchema.Validate(new ControlCommand("delete-instance", new ControlField("name", "a")));
    }

    [Fact]
    public void Validate_MirrorSubdriverCommand_ChecksItsOwnFields()
    {
        CommandSchema.Validate(TextCodec.Parse("ioctl-subdriver subdriver=mirror name=c command=sync-images source=a destinations=b,c milliseconds-between-sync-io=5")!);
        ControlAssert.Fails(ControlErrno.EINVAL, "ioctl-subdriver: missing field 'destinations' (required by mirror command sync-images)",
            () => TextCodec.Parse("ioctl-subdriver subdriver=mirror name=c command=sync-images source=a"));
        ControlAssert.Fails(ControlErrno.EINVAL, "ioctl-subdriver: unknown field 'image'",
            () => TextCodec.Parse("ioctl-subdriver subdriver=mirror name=c command=terminate-sync destination=b image=a"));
        ControlAssert.Fails(ControlErrno.EINVAL, "ioctl-subdriver: field 'milliseconds-between-sync-io' is not a number: 'soon'",
            () => TextCodec.Parse("ioctl-subdriver subdriver=mirror name=c command=throttle-sync destination=b milliseconds-between-sync-io=soon"));
        ControlAssert.Fails(ControlErrno.EINVAL, "ioctl-subdriver: unknown field 'source'",
            () => TextCodec.Parse("ioctl-subdriver subdriver=physical name=c command=flush source=a"));
        Assert.True(CommandSchema.IsPrivileged(TextCodec.Parse("ioctl-subdriver subdriver=mirror name=c command=fracture-image image=a")!));
    }

    [Fact]
    public void Validate_MirrorLimitsOfMinusOne_PassTheSchema()
    {
        CommandSchema.Validate(TextCodec.Parse("update-attributes name=c minimum-images-required-to-use=-1 maximum-images-missing-to-use=-1")!);
        CommandSchema.Validate(TextCodec.Parse("create-instance subdriver=mirror name=c images=a,b minimum-images-required-to-use=-1 maximum-images-missing-to-use=-1")!);
        ControlAssert.Fails(ControlErrno.EINVAL, "create-instance: missing field 'images' (required when subdriver=mirror)",
            () => TextCodec.Parse("create-instance subdriver=mirror name=c"));
        ControlAssert.Fails(ControlErrno.EINVAL, "update-attributes: field 'minimum-images-required-to-use' is not a number: 'none'",
            () => TextCodec.Parse("update-attributes name=c minimum-images-required-to-use=none"));
    }

    [Fact]
    public void Index_DuplicateVerb_Throws()
    {
        var spec = new CommandSpec("ping", "answer", false, []);
        Assert.Throws<ArgumentException>(() => CommandSchema.Index([spec, spec]));
    }

    [Fact]
    public void Index_DuplicateField_Throws()
    {
        var spec = new CommandSpec("ping", "answer", false, [FieldSpec.Optional("n"), FieldSpec.Required("n")]);
        Assert.Throws<ArgumentException>(() => CommandSchema.Index([spec]));
    }

    [Fact]
    public void Get_KnownVerb_ReturnsItsSpec()
    {
        Assert.True(CommandSchema.Get("create-instance").Privileged);
        Assert.Equal(FieldType.Blocks, CommandSchema.Get("create-instance").FindField("start")!.Type);
        Assert.Null(CommandSchema.Find("foo"));
        ControlAssert.Fails(ControlErrno.EINVAL, "unknown command 'foo'; try 'help'", () => CommandSchema.Get("foo"));
    }

    [Fact]
    public void HelpText_DefaultSchema_HasOneLinePerVerbAndSubdriverCommand()
    {
        var lines = CommandSchema.HelpText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines, CommandSchema.HelpLines());

        Assert.Equal(
            [
                "create-instance subdriver=TEXT name=TEXT path=TEXT (if subdriver=physical) child=TEXT (if subdriver=partition) " +
                "start=BLOCKS (if subdriver=partition) size=BLOCKS (if subdriver=partition) [remap=TEXT] images=TEXT (if subdriver=mirror) " +
                "[automatic-sync=yes|no] [minimum-images-required-to-use=N] [maximum-images-missing-to-use=N] [milliseconds-between-sync-io=N] " +
                "[region-size=BLOCKS] primary-table=TEXT (if subdriver=remap) secondary-table=TEXT (if subdriver=remap) remap-area=TEXT (if subdriver=remap) " +
                "[exported=yes|no] [persistent=yes|no]" +
                "  -- create a disk instance (privileged)",
                "delete-instance name=TEXT  -- delete a disk instance (privileged)",
                "link-child-instance parent=TEXT child=TEXT  -- link a child instance under a parent (privileged)",
                "unlink-child-instance parent=TEXT child=TEXT  -- unlink a child instance from its parent (privileged)",
                "get-child-instance parent=TEXT [parent-subdriver=TEXT] available=yes|no [key=N]  -- count the children of an instance (available=0) or return the next one (available=1)",
                "get-attributes name=TEXT  -- show the subdriver attributes of an instance",
                "update-attributes name=TEXT [subdriver=TEXT] [start=BLOCKS] [size=BLOCKS] [automatic-sync=yes|no] [minimum-images-required-to-use=N] " +
                "[maximum-images-missing-to-use=N] [milliseconds-between-sync-io=N]  -- change the subdriver attributes of an instance (privileged)",
                "ioctl-subdriver subdriver=TEXT name=TEXT command=TEXT  -- run a subdriver command (privileged when it changes state)",
                "get-instances [key=N]  -- list the disk instances (with key=K: the one after K)",
                "dsk-get name=TEXT  -- show the size and geometry of an instance",
                "dsk-usage name=TEXT  -- show the I/O statistics of an instance",
                "dsk-get-address name=TEXT block=BLOCKS  -- show where a block of an instance lives, down to the physical disk",
                "get-mode  -- show the daemon's mode (enabled or disabled, and why) and its configuration copies",
                "db-list  -- list the copies of the configuration database",
                "db-check  -- check every copy of the configuration database",
                "db-add path=TEXT [offset=SIZE] [length=SIZE]  -- add a copy of the configuration database (a file, or a range of a file or block device) (privileged)",
                "db-remove path=TEXT [offset=SIZE] [length=SIZE]  -- remove a copy of the configuration database (privileged)",
                "db-reinit path=TEXT [offset=SIZE] [length=SIZE]  -- rewrite a copy of the configuration database from the current configuration (privileged)",
                "db-restore from=TEXT [offset=SIZE] [length=SIZE]  -- rewrite every copy of the configuration database from the copy at FROM (then enable) (privileged)",
                "enable  -- enter enabled mode when the configuration copies allow it (privileged)",
                "format-dev device=TEXT quota=N [force=yes|no]  -- write a new volume label (device id, quota in KB) on a device: an image file (created if missing) or a block device (privileged)",
                "mount-dev device=TEXT  -- mount a device: its volumes become exported instances (privileged)",
                "dismount-dev device=TEXT [force=yes|no]  -- flush a device and remove its volumes' instances (refused while a volume is open) (privileged)",
                "dismount-all  -- dismount every mounted device (privileged)",
                "list-devices  -- list the mounted devices",
                "list-volumes device=TEXT  -- list the volumes of a mounted device",
                "get-device-quota device=TEXT  -- show the quota of a mounted device and the part its volumes use, in KB",
                "create-volume device=TEXT name=TEXT quota=N  -- create a volume (quota in KB) on a mounted device (privileged)",
                "destroy-volume device=TEXT lvid=N  -- destroy a volume of a mounted device (privileged)",
                "fault-add name=TEXT op=TEXT [start=BLOCKS] [count=BLOCKS] [all=yes|no] [errno=TEXT] [times=N]  -- add a rule to a fault instance: fail op I/O on blocks start to start+count-1 (all=1: every block) with errno, for times I/Os (0: until cleared) (privileged)",
                "fault-clear name=TEXT [id=N]  -- remove the rule id=N of a fault instance, or every rule (privileged)",
                "fault-list name=TEXT  -- list the rules of a fault instance",
                "sync-images name=TEXT source=TEXT destinations=TEXT [milliseconds-between-sync-io=N]  -- copy image source of a mirror to its corrupt images destinations (a comma list), in the background (privileged)",
                "terminate-sync name=TEXT destination=TEXT  -- end the sync to one destination image of a mirror, leaving it corrupt (privileged)",
                "throttle-sync name=TEXT destination=TEXT milliseconds-between-sync-io=N  -- change the delay between the I/Os of the sync a destination image of a mirror belongs to (privileged)",
                "fracture-image name=TEXT image=TEXT [change-granularity=N]  -- stop I/O to a usable image of a mirror, tracking changed granules of change-granularity blocks (0: none) (privileged)",
                "remap-format primary=TEXT secondary=TEXT area=TEXT [force=yes|no]  -- format the partitions primary and secondary as empty bad-block tables for the remap area area (force=1: even over listed bad blocks) (privileged)",
                "list-remap-table name=TEXT [key=N]  -- return the bad-block table entry at key of a remap instance (or of a partition's remap), and the next key",
                "force-remap name=TEXT block=BLOCKS  -- list block of the disk as bad in a remap instance's table: the next write remaps it (privileged)",
                "recover-bad-block name=TEXT block=BLOCKS  -- try to bring a listed bad block of a remap instance's disk back into use (privileged)",
                "dk-info name=TEXT  -- show the controller information of an instance (DKIOCINFO)",
                "dk-get-geom name=TEXT  -- show the driver's geometry of an instance (DKIOCGGEOM)",
                "dk-set-geom name=TEXT ncyl=N [acyl=N] [bcyl=N] nhead=N nsect=N [intrlv=N] [apc=N] [rpm=N] [pcyl=N] [write-reinstruct=N] [read-reinstruct=N]  -- set the driver's geometry of an instance; the disk is unchanged (DKIOCSGEOM) (privileged)",
                "dk-get-phygeom name=TEXT  -- show the physical geometry of an instance (DKIOCG_PHYGEOM)",
                "dk-get-virtgeom name=TEXT  -- show the firmware (CHS) geometry of an instance of at most 8 GiB (DKIOCG_VIRTGEOM)",
                "dk-get-vtoc name=TEXT  -- show the VTOC of an instance of at most 1 TiB (DKIOCGVTOC)",
                "dk-set-vtoc name=TEXT " + VtocUsage + "  -- write the VTOC of an instance of at most 1 TiB; its slices become instances NAMEsN (DKIOCSVTOC) (privileged)",
                "dk-get-extvtoc name=TEXT  -- show the VTOC of an instance (DKIOCGEXTVTOC)",
                "dk-set-extvtoc name=TEXT " + VtocUsage + "  -- write the VTOC of an instance; its slices become instances NAMEsN (DKIOCSEXTVTOC) (privileged)",
                "dk-get-apart name=TEXT  -- show the driver's partition map of an instance: start cylinder and blocks of each slice (DKIOCGAPART)",
                "dk-set-apart name=TEXT " + MapUsage + "  -- set the driver's partition map of an instance without writing the disk (DKIOCSAPART) (privileged)",
                "dk-media-info name=TEXT  -- show the media type, logical block size and capacity of an instance (DKIOCGMEDIAINFO)",
                "dk-removable name=TEXT  -- show whether an instance has removable media (DKIOCREMOVABLE)",
                "dk-hotpluggable name=TEXT  -- show whether an instance is hot-pluggable (DKIOCHOTPLUGGABLE)",
                "dk-state name=TEXT [state=N]  -- show the media state of an instance (the ioctl waits while it equals state) (DKIOCSTATE)",
                "dk-eject name=TEXT  -- eject the media of an instance: not supported, the media are fixed (DKIOCEJECT)",
                "dk-lock name=TEXT  -- lock the door of an instance: not supported, the media are fixed (DKIOCLOCK)",
                "dk-unlock name=TEXT  -- unlock the door of an instance: not supported, the media are fixed (DKIOCUNLOCK)",
                "dk-partinfo name=TEXT  -- show the start and length of a partition or slice, 32-bit (DKIOCPARTINFO)",
                "dk-extpartinfo name=TEXT  -- show the start and length of a partition or slice (DKIOCEXTPARTINFO)",
                "dk-smboot name=TEXT mboot=HEX  -- write a master boot record (512 bytes as 1024 hex digits) to sector 0 of an instance (DKIOCSMBOOT) (privileged)",
                "dk-get-volcap name=TEXT  -- show the volume capabilities of a mirror: info and set bits (DKIOCGETVOLCAP)",
                "dk-set-volcap name=TEXT set=N  -- set the volume capabilities of a mirror: ABR 0x1, DMR 0x2 (DKIOCSETVOLCAP) (privileged)",
                "dk-dmr name=TEXT [flags=N] [side=N] offset=N nbytes=N  -- read nbytes at byte offset from the next side of a mirror (side=-1 first) (DKIODMR)",
                "dk-addbad name=TEXT  -- make the bad-block remap instance of an instance's disk re-read its tables (DKIOCADDBAD) (privileged)",
                "help  -- list the commands",
                "ioctl-subdriver subdriver=physical name=TEXT command=flush  -- write the backing file's cached data to its disk (fdatasync) (privileged)",
                "ioctl-subdriver subdriver=physical name=TEXT command=get-info  -- show the backing file: path, size, sector size, direct I/O, block device, identity",
                "ioctl-subdriver subdriver=mirror name=TEXT command=sync-images source=TEXT destinations=TEXT [milliseconds-between-sync-io=N]  -- copy image source to the corrupt images destinations, in the background (privileged)",
                "ioctl-subdriver subdriver=mirror name=TEXT command=terminate-sync destination=TEXT  -- end the sync to one destination image, leaving it corrupt (privileged)",
                "ioctl-subdriver subdriver=mirror name=TEXT command=throttle-sync destination=TEXT milliseconds-between-sync-io=N  -- change the delay between the I/Os of a running sync (privileged)",
                "ioctl-subdriver subdriver=mirror name=TEXT command=fracture-image image=TEXT [change-granularity=N]  -- stop I/O to a usable image, tracking changed granules (privileged)",
                "ioctl-subdriver subdriver=remap name=TEXT command=list-remap-table [key=N]  -- return the bad-block table entry at key, and the next key",
                "ioctl-subdriver subdriver=remap name=TEXT command=force-remap block=BLOCKS  -- list block of the disk as bad: the next write remaps it (privileged)",
                "ioctl-subdriver subdriver=remap name=TEXT command=recover-bad-block block=BLOCKS  -- try to bring a listed bad block back into use (privileged)",
            ],
            lines);
    }

    private static string VtocUsage => "[sanity=N] [vtoc-version=N] [volume=TEXT] [sector-size=N] [nparts=N] [ascii-label=TEXT] " +
        string.Join(' ', Enumerable.Range(0, 16).Select(i => $"[p{i}-tag=N] [p{i}-flag=N] [p{i}-start=N] [p{i}-size=N]"));

    private static string MapUsage => string.Join(' ', Enumerable.Range(0, 16).Select(i => $"[m{i}-cylno=N] [m{i}-nblk=N]"));

    [Fact]
    public void HelpReply_DefaultSchema_HasOneCommandRecordPerVerb()
    {
        var reply = CommandSchema.HelpReply();

        Assert.True(reply.IsOk);
        Assert.Equal(75, reply.Records.Count);
        Assert.All(reply.Records.Take(66), record => Assert.Equal("command", record.Tag));
        Assert.All(reply.Records.Skip(66), record => Assert.Equal("subdriver-command", record.Tag));
        Assert.Equal("flush", reply.Records[66].Find("command"));
        Assert.Equal("yes", reply.Records[66].Find("root"));
        Assert.Equal("no", reply.Records[67].Find("root"));
        Assert.Equal("mirror", reply.Records[68].Find("subdriver"));
        Assert.Equal("sync-images", reply.Records[68].Find("command"));
        Assert.Equal("yes", reply.Records[68].Find("root"));
        Assert.Equal("remap", reply.Records[72].Find("subdriver"));
        Assert.Equal("list-remap-table", reply.Records[72].Find("command"));
        Assert.Equal("no", reply.Records[72].Find("root"));
        Assert.Equal("yes", reply.Records[73].Find("root"));
        Assert.Equal("yes", reply.Records[74].Find("root"));
        Assert.Equal("delete-instance", reply.Records[1].Find("verb"));
        Assert.Equal("yes", reply.Records[1].Find("root"));
        Assert.Equal("no", reply.Records[4].Find("root"));
        Assert.Equal("delete-instance name=TEXT  -- delete a disk instance (privileged)", reply.Records[1].Find("usage"));
        Assert.Equal(reply, TextCodec.ParseReply(TextCodec.Format(reply)));
    }
}
