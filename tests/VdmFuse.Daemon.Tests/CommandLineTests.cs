using VdmFuse.Daemon.Hosting;
using Xunit;

namespace VdmFuse.Daemon.Tests;

public class CommandLineTests
{
    [Fact]
    public void Parse_AllOptions_Read()
    {
        var c = CommandLine.Parse(new[] { "-f", "-c", "/etc/v.conf", "/mnt/x" });
        Assert.Equal(new CommandLine(true, "/etc/v.conf", "/mnt/x", false), c);
    }

    [Fact]
    public void Parse_Nothing_Defaults() =>
        Assert.Equal(new CommandLine(false, null, null, false), CommandLine.Parse(Array.Empty<string>()));

    [Theory]
    [InlineData(new[] { "-z" }, "unknown option '-z'")]
    [InlineData(new[] { "-c" }, "option -c needs a configuration file")]
    [InlineData(new[] { "/a", "/b" }, "only one mount point may be given ('/a' and '/b')")]
    public void Parse_Bad_ArgumentExceptionWithMessage(string[] args, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => CommandLine.Parse(args)).Message);
}
