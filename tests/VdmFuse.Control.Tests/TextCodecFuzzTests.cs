using System.Text;
using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests;

/// <summary>Random and mutated lines: the codec may reject them, but only with a <see cref="ControlException"/>.</summary>
public class TextCodecFuzzTests
{
    private static readonly int Iterations = FuzzIterations.Count;

    private static readonly string[] Seeds =
    [
        "create-instance subdriver=physical name=d0 path=/var/tmp/d0.img exported=yes persistent=no",
        "create-instance subdriver=partition name=p1 child=d0 start=2048 size=1G",
        "create-instance subdriver=physical name=\"my disk\" path=\"/a \\\"b\\\" \\\\c\"",
        "delete-instance name=d0",
        "get-instances",
        "help",
        "# comment",
        "",
    ];

    private static readonly string[] Fragments =
    [
        " ", "\t", "=", "\"", "\\", "\\\"", "\\\\", "#", "\n", "\r", "\0", "\u0001", "\u007f", "é", "😀", "\ud800", "\udc00",
        "name=", "size=", "start=", "exported=", "subdriver=", "path=", "99999999999999999999", "-1", "1T", "8s", "K", "yes", "maybe",
        "create-instance", "delete-instance", "get-instances", "help", "colour=red",
    ];

    [Fact]
    public void Parse_100000MutatedLines_ThrowsOnlyControlException()
    {
        var random = new Random(20240531);
        var accepted = 0;
        var rejected = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var line = i % 10 == 0 ? RandomLine(random) : Mutate(random, Seeds[random.Next(Seeds.Length)]);
            ControlCommand? command;
            try
            {
                command = TextCodec.Parse(line);
            }
            catch (ControlException error)
            {
                Assert.True(error.Errno is ControlErrno.EINVAL or ControlErrno.E2BIG, $"errno {error.Errno} for {line}");
                Assert.False(string.IsNullOrWhiteSpace(error.Message));
                rejected++;
                continue;
            }
            accepted++;
            if (command is not null)
            {
                Assert.Equal(command, TextCodec.Parse(TextCodec.Format(command)));
            }
        }
        Assert.True(accepted > 1000, $"only {accepted} lines were accepted");
        Assert.True(rejected > 1000, $"only {rejected} lines were rejected");
    }

    [Fact]
    public void ParseBytes_100000RandomAndMutatedByteLines_ThrowsOnlyControlException()
    {
        var random = new Random(77);
        var rejected = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]).ToList();
            var edits = random.Next(1, 4);
            for (var e = 0; e < edits; e++)
            {
                var at = random.Next(bytes.Count + 1);
                switch (random.Next(3))
                {
                    case 0:
                        bytes.Insert(at, (byte)random.Next(256));
                        break;
                    case 1 when at < bytes.Count:
                        bytes[at] = (byte)random.Next(256);
                        break;
                    default:
                        if (at < bytes.Count)
                        {
                            bytes.RemoveAt(at);
                        }
                        break;
                }
            }
            if (i % 1000 == 0)
            {
                bytes.AddRange(Enumerable.Repeat((byte)'a', random.Next(4000, 5000)));
            }
            try
            {
                TextCodec.Parse(bytes.ToArray());
            }
            catch (ControlException)
            {
                rejected++;
            }
        }
        Assert.True(rejected > 1000, $"only {rejected} byte lines were rejected");
    }

    [Fact]
    public void ParseReply_10000RandomReplies_RoundTrip()
    {
        var random = new Random(5);
        for (var i = 0; i < 10_000; i++)
        {
            var reply = random.Next(5) == 0
                ? ControlReply.Error(random.Next(1, 140), RandomPrintable(random, 40).Trim().Replace("  ", " ", StringComparison.Ordinal))
                : ControlReply.Success(RandomFields(random),
                    Enumerable.Range(0, random.Next(4)).Select(_ => new ControlRecord("rec" + random.Next(3), RandomFields(random))));
            var text = TextCodec.Format(reply);
            var parsed = TextCodec.ParseReply(text);
            if (reply.IsOk)
            {
                Assert.Equal(reply, parsed);
            }
            else
            {
                Assert.Equal(reply.Errno, parsed.Errno);
                Assert.Equal(text, TextCodec.Format(parsed));
            }
        }
    }

    [Fact]
    public void ParseReply_100000MutatedReplies_ThrowsOnlyControlException()
    {
        var random = new Random(11);
        var baseline = TextCodec.Format(ControlReply.Success([new ControlField("count", "2")],
            [new ControlRecord("instance", new ControlField("name", "d 0"), new ControlField("path", "/a \"b\""))]));
        for (var i = 0; i < Iterations; i++)
        {
            var text = i % 3 == 0 ? "error EBUSY " + Mutate(random, "in use") : Mutate(random, baseline);
            try
            {
                TextCodec.ParseReply(text);
            }
            catch (ControlException error)
            {
                Assert.Equal(ControlErrno.EINVAL, error.Errno);
            }
        }
    }

    private static ControlField[] RandomFields(Random random) =>
        Enumerable.Range(0, random.Next(4)).Select(j => new ControlField("k" + j, RandomPrintable(random, 12))).ToArray();

    private static string RandomPrintable(Random random, int maxLength)
    {
        const string alphabet = "ab Z09=\"\\/#-_.é😀\t";
        var text = new StringBuilder();
        var length = random.Next(maxLength);
        while (text.Length < length)
        {
            var start = random.Next(alphabet.Length);
            if (char.IsLowSurrogate(alphabet[start]))
            {
                start--;
            }
            text.Append(char.IsHighSurrogate(alphabet[start]) ? alphabet.AsSpan(start, 2) : alphabet.AsSpan(start, 1));
        }
        return text.ToString();
    }

    private static string RandomLine(Random random)
    {
        var text = new StringBuilder();
        var length = random.Next(60);
        for (var i = 0; i < length; i++)
        {
            text.Append(random.Next(4) == 0 ? Fragments[random.Next(Fragments.Length)] : (char)random.Next(0, 0x3000));
        }
        if (random.Next(200) == 0)
        {
            text.Append('x', random.Next(4000, 9000));
        }
        return text.ToString();
    }

    private static string Mutate(Random random, string seed)
    {
        var text = new StringBuilder(seed);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(text.Length + 1);
            switch (random.Next(4))
            {
                case 0:
                    text.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 1 when at < text.Length:
                    text.Remove(at, Math.Min(text.Length - at, random.Next(1, 6)));
                    break;
                case 2 when at < text.Length:
                    text[at] = (char)random.Next(0x20, 0x7f);
                    break;
                default:
                    text.Insert(at, seed.AsSpan(random.Next(seed.Length + 1)));
                    break;
            }
        }
        return text.ToString();
    }
}
