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
                "throttle-sync", "fracture-image", "remap-format", "list-remap-table", "force-remap", "recover-bad-block", "help",
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
        ControlAssert.Fails(ControlErrno.EINVAL, "ioctl-subdriver: unknown subdriver 'disk' (known: physical, partition, mirror, remap, fault, volume)",
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

    [Fact]
    public void HelpReply_DefaultSchema_HasOneCommandRecordPerVerb()
    {
        var reply = CommandSchema.HelpReply();

        Assert.True(reply.IsOk);
        Assert.Equal(50, reply.Records.Count);
        Assert.All(reply.Records.Take(41), record => Assert.Equal("command", record.Tag));
        Assert.All(reply.Records.Skip(41), record => Assert.Equal("subdriver-command", record.Tag));
        Assert.Equal("flush", reply.Records[41].Find("command"));
        Assert.Equal("yes", reply.Records[41].Find("root"));
        Assert.Equal("no", reply.Records[42].Find("root"));
        Assert.Equal("mirror", reply.Records[43].Find("subdriver"));
        Assert.Equal("sync-images", reply.Records[43].Find("command"));
        Assert.Equal("yes", reply.Records[43].Find("root"));
        Assert.Equal("remap", reply.Records[47].Find("subdriver"));
        Assert.Equal("list-remap-table", reply.Records[47].Find("command"));
        Assert.Equal("no", reply.Records[47].Find("root"));
        Assert.Equal("yes", reply.Records[48].Find("root"));
        Assert.Equal("yes", reply.Records[49].Find("root"));
        Assert.Equal("delete-instance", reply.Records[1].Find("verb"));
        Assert.Equal("yes", reply.Records[1].Find("root"));
        Assert.Equal("no", reply.Records[4].Find("root"));
        Assert.Equal("delete-instance name=TEXT  -- delete a disk instance (privileged)", reply.Records[1].Find("usage"));
        Assert.Equal(reply, TextCodec.ParseReply(TextCodec.Format(reply)));
    }
}
