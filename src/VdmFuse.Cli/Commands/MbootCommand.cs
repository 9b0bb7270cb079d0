using System.CommandLine;
using System.Globalization;
using VdmFuse.Cli.Output;
using VdmFuse.Control;

namespace VdmFuse.Cli.Commands;

/// <summary>
/// <c>vdmadm mboot NAME FILE</c>: writes the 512-byte master boot record in FILE to sector 0 of an instance (dkio(7)
/// DKIOCSMBOOT, <c>dk-smboot mboot=HEX</c>); the daemon checks the signature and the partitions. Sent in the text form.
/// </summary>
internal static class MbootCommand
{
    /// <summary>The bytes of a master boot record (struct mboot).</summary>
    public const int Size = 512;

    public static Command Build(CommandRunner runner)
    {
        var name = InstanceArguments.Instance();
        var file = new Argument<string>("FILE") { Description = "A file of exactly 512 bytes: boot code, four partitions and the signature 0xAA55" };
        var command = new Command("mboot", "Write a master boot record to sector 0 of an instance (DKIOCSMBOOT; root)") { name, file };
        runner.SetAction(command, (parse, context) =>
        {
            var instance = parse.GetRequiredValue(name);
            var path = parse.GetRequiredValue(file);
            var sector = Read(path);
            context.Execute(ControlVerbs.DkSmboot, new ControlField("name", instance), new ControlField("mboot", FieldValues.FormatHex(sector)));
            var table = new ReportTable("mboot", [new("NAME", "name"), new("FILE", "file")], [[ReportValue.Of(instance), ReportValue.Of(path)]])
            {
                ShowHuman = false,
            };
            return Report.Of(table, $"wrote the master boot record in {path} to sector 0 of {instance}");
        }, textOnly: true);
        return command;
    }

    /// <summary>The 512 bytes of <paramref name="path"/>.</summary>
    /// <exception cref="ControlException">EINVAL: the file is not 512 bytes; ENOENT, EACCES or EIO: it cannot be read.</exception>
    public static byte[] Read(string path)
    {
        var buffer = new byte[Size + 1];
        var length = 0;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            int read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ControlException(ControlErrno.ENOENT, $"mboot: cannot read {path}: no such file");
        }
        catch (UnauthorizedAccessException)
        {
            throw new ControlException(13, $"mboot: cannot read {path}: permission denied");
        }
        catch (IOException e)
        {
            throw new ControlException(ControlErrno.EIO, $"mboot: cannot read {path}: {e.Message}");
        }
        if (length != Size)
        {
            var size = length > Size ? $"more than {Size} bytes" : string.Create(CultureInfo.InvariantCulture, $"{length} bytes");
            throw new ControlException(ControlErrno.EINVAL, $"mboot: {path} is {size}; a master boot record is exactly {Size} bytes");
        }
        return buffer[..Size];
    }
}
