using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests;

public class TextCodecReplyTests
{
    [Fact]
    public void Format_EmptySuccess_IsOkLine()
    {
        Assert.Equal("ok\n", TextCodec.Format(ControlReply.Success()));
    }

    [Fact]
    public void Format_SuccessWithFieldsAndRecords_WritesOkLineThenOneLinePerRecord()
    {
        var reply = ControlReply.Success(
            [ControlField.From("count", 2)],
            [
                new ControlRecord("instance", new ControlField("name", "d0"), new ControlField("subdriver", "physical"),
                    ControlField.From("size", 1L << 30), ControlField.From("exported", true)),
                new ControlRecord("instance", new ControlField("name", "p 1"), new ControlField("path", ""),
                    new ControlField("note", "say \"hi\" \\ a=b")),
            ]);

        Assert.Equal(
            "ok count=2\n" +
            "instance name=d0 subdriver=physical size=1073741824 exported=yes\n" +
            "instance name=\"p 1\" path=\"\" note=\"say \\\"hi\\\" \\\\ a=b\"\n",
            TextCodec.Format(reply));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("/var/tmp/x.img", "/var/tmp/x.img")]
    [InlineData("back\\slash", "back\\slash")]
    [InlineData("", "\"\"")]
    [InlineData("a b", "\"a b\"")]
    [InlineData("a\tb", "\"a\tb\"")]
    [InlineData("a=b", "\"a=b\"")]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("a \\b", "\"a \\\\b\"")]
    [InlineData("a\nb", "a?b")]
    public void QuoteValue_Value_QuotedOnlyWhenNeeded(string value, string expected)
    {
        Assert.Equal(expected, TextCodec.QuoteValue(value));
    }

    [Fact]
    public void Format_Error_IsErrnoNameAndSentence()
    {
        Assert.Equal("error EBUSY delete-instance: instance 'd0' is in use\n",
            TextCodec.Format(ControlReply.Error(ControlErrno.EBUSY, "delete-instance: instance 'd0' is in use")));
        Assert.Equal("error EIO read of d0 failed\n", TextCodec.Format(ControlReply.Error(5, "read of d0 failed")));
        Assert.Equal("error E200\n", TextCodec.Format(ControlReply.Error(200, "")));
    }

    [Fact]
    public void FormatError_NameFromAnotherLayer_IsErrorLine()
    {
        Assert.Equal("error EMEDIUMTYPE open of d0 failed\n", TextCodec.FormatError("EMEDIUMTYPE", "open of d0 failed"));
        Assert.Equal("error EIO a b\n", TextCodec.FormatError("EIO", " a\r\nb "));
        Assert.Equal("error EIO\n", TextCodec.FormatError("EIO", ""));
        Assert.Throws<ArgumentException>(() => TextCodec.FormatError("E IO", "x"));
    }

    [Fact]
    public void Ok_WithTupleFieldsAndAddedRecords_FormatsInOrder()
    {
        var reply = ControlReply.Ok(("count", "2"));
        reply.AddRecord("instance", ("name", "d0"), ("size", "1024"));
        reply.AddRecord("instance", ("name", "p 1"));

        Assert.Equal("ok count=2\ninstance name=d0 size=1024\ninstance name=\"p 1\"\n", TextCodec.Format(reply));
        Assert.Equal("ok\n", TextCodec.Format(ControlReply.Ok()));
    }

    [Fact]
    public void AddRecord_ErrorReply_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => ControlReply.Error(5, "x").AddRecord("instance"));
    }

    [Fact]
    public void Format_ErrorMessageWithNewlines_StaysOneLine()
    {
        Assert.Equal("error EINVAL first second\n", TextCodec.Format(ControlReply.Error(ControlErrno.EINVAL, "first\nsecond\n")));
    }

    [Fact]
    public void Error_FromControlException_KeepsErrnoAndMessage()
    {
        var reply = ControlReply.Error(new ControlException(ControlErrno.ENOENT, "delete-instance: no instance named 'x'"));
        Assert.False(reply.IsOk);
        Assert.Equal("ENOENT", reply.ErrnoName);
        Assert.Equal("error ENOENT delete-instance: no instance named 'x'\n", TextCodec.Format(reply));
    }

    [Fact]
    public void Format_BadKeyOrTag_Throws()
    {
        Assert.Throws<ArgumentException>(() => TextCodec.Format(ControlReply.Success(new ControlField("a b", "x"))));
        Assert.Throws<ArgumentException>(() => TextCodec.Format(ControlReply.Success(new ControlField("", "x"))));
        Assert.Throws<ArgumentException>(() => TextCodec.Format(ControlReply.Success([], [new ControlRecord("ok")])));
        Assert.Throws<ArgumentException>(() => TextCodec.Format(ControlReply.Success([], [new ControlRecord("a=b")])));
    }

    [Fact]
    public void ParseReply_FormattedSuccess_ReturnsEqualReply()
    {
        var reply = ControlReply.Success(
            [new ControlField("name", "d 0"), new ControlField("empty", "")],
            [new ControlRecord("instance", new ControlField("path", "/a \"b\" \\c")), new ControlRecord("plex")]);

        var parsed = TextCodec.ParseReply(TextCodec.Format(reply));

        Assert.Equal(reply, parsed);
        Assert.Equal("d 0", parsed.Find("name"));
        Assert.Equal("/a \"b\" \\c", parsed.Records[0].Find("path"));
    }

    [Fact]
    public void ParseReply_ErrorLine_ReturnsErrnoAndMessage()
    {
        var reply = TextCodec.ParseReply("error EEXIST create-instance: instance 'd0' already exists\n");

        Assert.False(reply.IsOk);
        Assert.Equal(ControlErrno.EEXIST, reply.Errno);
        Assert.Equal("create-instance: instance 'd0' already exists", reply.Message);
        Assert.Equal(ControlReply.Error(17, "create-instance: instance 'd0' already exists"), reply);
    }

    [Theory]
    [InlineData("", "reply: the reply is empty")]
    [InlineData("okay\n", "reply: expected 'ok' or 'error' but got 'okay'")]
    [InlineData("error EWHAT nope\n", "reply: unknown errno name 'EWHAT'")]
    [InlineData("error EIO x\nmore\n", "reply: an error reply has a single line")]
    [InlineData("ok name\n", "reply: expected key=value but got 'name'")]
    [InlineData("ok\ninstance name=\"x\n", "reply: field 'name' has an unterminated quote")]
    [InlineData("ok a=\u0001\n", "reply: a line contains a control character")]
    public void ParseReply_Malformed_ThrowsEinval(string text, string message)
    {
        ControlAssert.Fails(ControlErrno.EINVAL, message, () => TextCodec.ParseReply(text));
    }

    [Fact]
    public void ParseReply_WithoutFinalNewline_IsAccepted()
    {
        Assert.Equal(ControlReply.Success(new ControlField("a", "1")), TextCodec.ParseReply("ok a=1"));
    }
}
