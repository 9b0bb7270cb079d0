using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests;

public class CommandSchemaTests
{
    [Fact]
    public void Default_Verbs_AreTheDeclaredTableInOrder()
    {
        Assert.Equal(["create-instance", "delete-instance", "get-instances", "help"],
            CommandSchema.Commands.Select(c => c.Verb));
    }

    [Theory]
    [InlineData("create-instance", true)]
    [InlineData("delete-instance", true)]
    [InlineData("get-instances", false)]
    [InlineData("help", false)]
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
    public void HelpText_DefaultSchema_HasOneLinePerVerbWithItsFields()
    {
        var lines = CommandSchema.HelpText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines, CommandSchema.HelpLines());

        Assert.Equal(
            [
                "create-instance subdriver=TEXT name=TEXT path=TEXT (if subdriver=physical) child=TEXT (if subdriver=partition) " +
                "start=BLOCKS (if subdriver=partition) size=BLOCKS (if subdriver=partition) [exported=yes|no] [persistent=yes|no]" +
                "  -- create a disk instance (root only)",
                "delete-instance name=TEXT  -- delete a disk instance (root only)",
                "get-instances  -- list the disk instances",
                "help  -- list the commands",
            ],
            lines);
    }

    [Fact]
    public void HelpReply_DefaultSchema_HasOneCommandRecordPerVerb()
    {
        var reply = CommandSchema.HelpReply();

        Assert.True(reply.IsOk);
        Assert.Equal(4, reply.Records.Count);
        Assert.All(reply.Records, record => Assert.Equal("command", record.Tag));
        Assert.Equal("delete-instance", reply.Records[1].Find("verb"));
        Assert.Equal("yes", reply.Records[1].Find("root"));
        Assert.Equal("no", reply.Records[2].Find("root"));
        Assert.Equal("delete-instance name=TEXT  -- delete a disk instance (root only)", reply.Records[1].Find("usage"));
        Assert.Equal(reply, TextCodec.ParseReply(TextCodec.Format(reply)));
    }
}
