using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary>Every line the dkio commands send parses back to the same command and passes the control language's schema of the dk-* verbs.</summary>
public sealed class DkioSchemaTests
{
    public static TheoryData<string[]> CommandLines() => new()
    {
        new[] { "disk-info", "d0" },
        new[] { "disk-info", "m0" },
        new[] { "vtoc", "show", "d0" },
        new[] { "vtoc", "set", "d0", "--volume", "v 1", "--slice", "0:root:wm:0:8", "--slice", "15:backup:ru:0:204800", "--ascii", "a \"quoted\" label" },
        new[] { "geometry", "d0", "--set", "10:16:63" },
        new[] { "volcap", "m0", "--abr", "on", "--dmr", "off" },
        new[] { "dmr", "m0", "--offset", "512", "--length", "8192" },
        new[] { "addbad", "p0" },
    };

    [Theory]
    [MemberData(nameof(CommandLines))]
    public void SentLines_ParseBackAndPassTheSchema(string[] args)
    {
        var daemon = new FakeDkioDaemon();

        var run = CliRun.Of(daemon.Channel, args);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.NotEmpty(daemon.Channel.Sent);
        foreach (var command in daemon.Channel.Sent)
        {
            var parsed = TextCodec.Parse(command.ToString());
            Assert.Equal(command, parsed);
            CommandSchema.Validate(parsed!);
        }
    }

    [Fact]
    public void MbootLine_ParsesBackAndPassesTheSchema()
    {
        var daemon = new FakeDkioDaemon();
        var directory = Directory.CreateTempSubdirectory("vdmadm-mboot-");
        try
        {
            var sector = new byte[512];
            sector[510] = 0x55;
            sector[511] = 0xAA;
            var path = Path.Combine(directory.FullName, "mbr.bin");
            File.WriteAllBytes(path, sector);

            var run = CliRun.Of(daemon.Channel, "mboot", "d0", path);

            Assert.True(run.ExitCode == 0, run.Error);
            var parsed = TextCodec.Parse(daemon.Channel.Sent.Single().ToString());
            Assert.Equal(daemon.Channel.Sent.Single(), parsed);
            CommandSchema.Validate(parsed!);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
