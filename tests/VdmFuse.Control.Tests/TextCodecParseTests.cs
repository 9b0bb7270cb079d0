using System.Text;
using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests;

public class TextCodecParseTests
{
    [Fact]
    public void Parse_PhysicalCreate_ReturnsVerbAndOrderedFields()
    {
        var command = TextCodec.Parse("create-instance subdriver=physical name=d0 path=/var/tmp/d0.img exported=yes");

        Assert.NotNull(command);
        Assert.Equal("create-instance", command.Verb);
        Assert.Equal(
            [
                new ControlField("subdriver", "physical"),
                new ControlField("name", "d0"),
                new ControlField("path", "/var/tmp/d0.img"),
                new ControlField("exported", "yes"),
            ],
            command.Fields);
        Assert.True(command.GetBool("exported"));
    }

    [Fact]
    public void Parse_PartitionCreate_ReadsTypedFields()
    {
        var command = TextCodec.Parse("create-instance subdriver=partition name=p1 child=d0 start=2048 size=1G persistent=no");

        Assert.NotNull(command);
        Assert.Equal(2048, command.GetBlocks("start"));
        Assert.Equal(2048, command.GetInt64("start"));
        Assert.Equal(2 * 1024 * 1024, command.GetBlocks("size"));
        Assert.False(command.GetBool("persistent", true));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t \t")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("# a comment")]
    [InlineData("   # indented comment with \"quotes\" and = signs")]
    [InlineData("#create-instance name=x")]
    public void Parse_BlankOrComment_ReturnsNull(string line)
    {
        Assert.Null(TextCodec.Parse(line));
    }

    [Theory]
    [InlineData("get-instances\n")]
    [InlineData("get-instances\r\n")]
    [InlineData("  get-instances  ")]
    [InlineData("\tget-instances\t")]
    public void Parse_LineEndingsAndSurroundingWhitespace_AreIgnored(string line)
    {
        Assert.Equal(new ControlCommand("get-instances"), TextCodec.Parse(line));
    }

    [Fact]
    public void Parse_FieldsSeparatedByTabsAndSeveralSpaces_AreRead()
    {
        var command = TextCodec.Parse("delete-instance \t  name=d0");
        Assert.Equal(new ControlCommand("delete-instance", new ControlField("name", "d0")), command);
    }

    [Fact]
    public void Parse_QuotedValueWithSpaces_KeepsSpaces()
    {
        var command = TextCodec.Parse("create-instance subdriver=physical name=d0 path=\"/var/tmp/my disks/d 0.img\"");
        Assert.Equal("/var/tmp/my disks/d 0.img", command!.Get("path"));
    }

    [Fact]
    public void Parse_QuotedValueWithEscapes_UnescapesQuoteAndBackslash()
    {
        var command = TextCodec.Parse("create-instance subdriver=physical name=d0 path=\"/a \\\"b\\\" \\\\c\"");
        Assert.Equal("/a \"b\" \\c", command!.Get("path"));
    }

    [Fact]
    public void Parse_QuotedPartInsideValue_IsJoinedToTheRest()
    {
        var command = TextCodec.Parse("create-instance subdriver=physical name=d0 path=/x/\"a b\"/c.img");
        Assert.Equal("/x/a b/c.img", command!.Get("path"));
    }

    [Fact]
    public void Parse_BackslashOutsideQuotes_IsLiteral()
    {
        var command = TextCodec.Parse("create-instance subdriver=physical name=d0 path=/x\\y");
        Assert.Equal("/x\\y", command!.Get("path"));
    }

    [Fact]
    public void Parse_EmptyAndEqualsValues_AreKept()
    {
        var command = TextCodec.Parse("create-instance subdriver=physical name=\"\" path=a=b");
        Assert.Equal("", command!.Get("name"));
        Assert.Equal("a=b", command.Get("path"));
        Assert.Equal("", TextCodec.Parse("create-instance subdriver=physical name= path=x")!.Get("name"));
    }

    [Fact]
    public void Parse_NonAsciiValue_IsKept()
    {
        Assert.Equal("/var/tmp/disque-é-😀.img",
            TextCodec.Parse("create-instance subdriver=physical name=d0 path=/var/tmp/disque-é-😀.img")!.Get("path"));
    }

    [Theory]
    [InlineData("foo", "unknown command 'foo'; try 'help'")]
    [InlineData("foo name=x", "unknown command 'foo'; try 'help'")]
    [InlineData("Create-Instance name=x", "unknown command 'Create-Instance'; try 'help'")]
    [InlineData("name=x", "unknown command 'name=x'; try 'help'")]
    public void Parse_UnknownVerb_ThrowsEinval(string line, string message)
    {
        ControlAssert.ParseFails(ControlErrno.EINVAL, message, line);
    }

    [Fact]
    public void Parse_UnknownField_ThrowsEinval()
    {
        ControlAssert.ParseFails(ControlErrno.EINVAL, "create-instance: unknown field 'colour'",
            "create-instance subdriver=physical name=d0 path=/x colour=red");
        ControlAssert.ParseFails(ControlErrno.EINVAL, "get-instances: unknown field 'name'", "get-instances name=d0");
        ControlAssert.ParseFails(ControlErrno.EINVAL, "help: unknown field 'verb'", "help verb=x");
    }

    [Fact]
    public void Parse_FieldGivenTwice_ThrowsEinval()
    {
        ControlAssert.ParseFails(ControlErrno.EINVAL, "create-instance: field 'name' is given twice",
            "create-instance subdriver=physical name=d0 name=d1 path=/x");
    }

    [Theory]
    [InlineData("delete-instance d0", "delete-instance: expected key=value but got 'd0'")]
    [InlineData("delete-instance name", "delete-instance: expected key=value but got 'name'")]
    [InlineData("delete-instance =d0", "delete-instance: expected key=value but got '=d0'")]
    [InlineData("delete-instance \"name\"=d0", "delete-instance: expected key=value but got '\"name\"=d0'")]
    [InlineData("delete-instance name=d0 extra", "delete-instance: expected key=value but got 'extra'")]
    public void Parse_FieldWithoutEquals_ThrowsEinval(string line, string message)
    {
        ControlAssert.ParseFails(ControlErrno.EINVAL, message, line);
    }

    [Theory]
    [InlineData("create-instance name=d0", "create-instance: missing field 'subdriver'")]
    [InlineData("create-instance subdriver=physical", "create-instance: missing field 'name'")]
    [InlineData("create-instance subdriver=physical name=d0",
        "create-instance: missing field 'path' (required when subdriver=physical)")]
    [InlineData("create-instance subdriver=partition name=p0 start=0 size=1M",
        "create-instance: missing field 'child' (required when subdriver=partition)")]
    [InlineData("create-instance subdriver=partition name=p0 child=d0 size=1M",
        "create-instance: missing field 'start' (required when subdriver=partition)")]
    [InlineData("create-instance subdriver=partition name=p0 child=d0 start=0",
        "create-instance: missing field 'size' (required when subdriver=partition)")]
    [InlineData("delete-instance", "delete-instance: missing field 'name'")]
    public void Parse_MissingRequiredField_ThrowsEinval(string line, string message)
    {
        ControlAssert.ParseFails(ControlErrno.EINVAL, message, line);
    }

    [Fact]
    public void Parse_ConditionalFieldOfOtherSubdriver_IsNotRequired()
    {
        var command = TextCodec.Parse("create-instance subdriver=partition name=p0 child=d0 start=0 size=1M");
        Assert.Null(command!.GetOptional("path"));
    }

    [Theory]
    [InlineData("create-instance subdriver=partition name=p0 child=d0 start=x size=1M",
        "create-instance: field 'start' is not a number of blocks or a size: 'x'")]
    [InlineData("create-instance subdriver=partition name=p0 child=d0 start=99999999999999999999 size=1M",
        "create-instance: field 'start' is out of range: '99999999999999999999'")]
    [InlineData("create-instance subdriver=partition name=p0 child=d0 start=0 size=lots",
        "create-instance: field 'size' is not a number of blocks or a size: 'lots'")]
    [InlineData("create-instance subdriver=physical name=d0 path=/x exported=maybe",
        "create-instance: field 'exported' is not a boolean: 'maybe'; write yes or no")]
    public void Parse_ValueOfWrongType_ThrowsEinval(string line, string message)
    {
        ControlAssert.ParseFails(ControlErrno.EINVAL, message, line);
    }

    [Theory]
    [InlineData("delete-instance name=\"d0", "delete-instance: field 'name' has an unterminated quote")]
    [InlineData("delete-instance name=\"d0\\", "delete-instance: field 'name' has an unterminated quote")]
    [InlineData("delete-instance name=\"d\\n0\"", "delete-instance: field 'name' has an unknown escape '\\n'; only \\\" and \\\\ are allowed")]
    public void Parse_BadQuoting_ThrowsEinval(string line, string message)
    {
        ControlAssert.ParseFails(ControlErrno.EINVAL, message, line);
    }

    [Fact]
    public void Parse_Utf8Bytes_SameAsString()
    {
        var bytes = Encoding.UTF8.GetBytes("create-instance subdriver=physical name=d0 path=\"/a b/é.img\"\n");
        Assert.Equal(TextCodec.Parse("create-instance subdriver=physical name=d0 path=\"/a b/é.img\""), TextCodec.Parse(bytes));
        Assert.Null(TextCodec.Parse("# comment\r\n"u8));
    }

    [Fact]
    public void Format_Command_ParsesBackToTheSameCommand()
    {
        var command = new ControlCommand("create-instance",
            new ControlField("subdriver", "physical"),
            new ControlField("name", "d0"),
            new ControlField("path", "/my disks/\"q\" \\ x=y"),
            new ControlField("exported", "yes"));

        var line = TextCodec.Format(command);

        Assert.Equal("create-instance subdriver=physical name=d0 path=\"/my disks/\\\"q\\\" \\\\ x=y\" exported=yes\n", line);
        Assert.Equal(command, TextCodec.Parse(line));
    }

    [Fact]
    public void Format_CommandValueWithNewline_Throws()
    {
        var command = new ControlCommand("delete-instance", new ControlField("name", "a\nb"));
        Assert.Throws<ArgumentException>(() => TextCodec.Format(command));
    }
}
