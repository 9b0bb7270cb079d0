using System.Globalization;
using VdmFuse.Control;

namespace VdmFuse.Cli.Tests;

/// <summary>
/// Canned replies in the shape of the contract's text forms, for two instances: physical "a"
/// (device 1, 64 MiB) and partition "p" (device 2, on "a" from block 2048 for 4096 blocks).
/// </summary>
internal static class CannedDaemon
{
    public static RecordingChannel Channel() => new(Answer);

    public static ControlReply Answer(ControlCommand command)
    {
        switch (command.Verb)
        {
            case "get-instances":
                return command.GetOptional("key") switch
                {
                    "0" => Instance("1", "a", "physical", 1, 67108864, 0, 1),
                    "1" => Instance("2", "p", "partition", 2, 2097152, 1, 0),
                    _ => ControlReply.Error(ControlErrno.ENOENT, "get-instances: no instance after this key"),
                };
            case "get-child-instance" when command.GetOptional("parent") is not ("a" or "p" or "1" or "2"):
                return ControlReply.Error(ControlErrno.ENOENT, $"get-child-instance: no instance named '{command.GetOptional("parent")}'");
            case "get-child-instance" when command.GetOptional("available") == "0":
                return ControlReply.Ok(("count", command.GetOptional("parent") is "p" or "2" ? "1" : "0"));
            case "get-child-instance":
                return command.GetOptional("parent") is "p" or "2" && command.GetOptional("key") == "0"
                    ? ControlReply.Ok(("key", "1"), ("device-number-used", "1"), ("device-number", "1"), ("child-subdriver", "physical"), ("child", "a"))
                    : ControlReply.Error(ControlErrno.ENOENT, "get-child-instance: no more children");
            case "get-attributes" when command.GetOptional("name") is "a" or "1":
                return ControlReply.Ok(("subdriver", "physical"), ("path", "/tmp/a.img"), ("size", "67108864"), ("sector-size", "512"), ("direct", "1"), ("block-device", "0"));
            case "get-attributes" when command.GetOptional("name") is "p" or "2":
                return ControlReply.Ok(("subdriver", "partition"), ("child", "a"), ("start", "2048"), ("size", "4096"), ("remap", "-"));
            case "get-attributes" or "dsk-get" or "dsk-usage" or "dsk-get-address" or "delete-instance" or "update-attributes" or "ioctl-subdriver"
                when command.GetOptional("name") is not ("a" or "p" or "1" or "2"):
                return ControlReply.Error(ControlErrno.ENOENT, $"{command.Verb}: no instance named '{command.GetOptional("name")}'");
            case "create-instance":
                return ControlReply.Ok(("device-number", "3"));
            case "dsk-get":
                return ControlReply.Ok(("total-blocks", "131072"), ("sector-size", "512"), ("sectors-per-track", "63"), ("tracks-per-cylinder", "255"), ("cylinders", "8"));
            case "dsk-usage":
                return ControlReply.Ok(("reads", "10"), ("writes", "4"), ("blocks-read", "80"), ("blocks-written", "32"), ("errors", "0"), ("read-time-us", "1500"), ("write-time-us", "900"));
            case "dsk-get-address":
                var block = command.GetInt64("block");
                return ControlReply.Ok(("depth", "2"))
                    .AddRecord("level", ("device-number", "2"), ("name", "p"), ("subdriver", "partition"), ("block", Text(block)))
                    .AddRecord("level", ("device-number", "1"), ("name", "a"), ("subdriver", "physical"), ("block", Text(block + 2048)));
            case "ioctl-subdriver" when command.GetOptional("command") == "get-info":
                return ControlReply.Ok(("path", "/tmp/a.img"), ("size", "67108864"), ("sector-size", "512"), ("direct", "1"), ("block-device", "0"));
            case "help":
                return CommandSchema.HelpReply();
            default:
                return ControlReply.Ok();
        }
    }

    private static ControlReply Instance(string key, string name, string subdriver, long deviceNumber, long size, int children, int parents) =>
        ControlReply.Ok(("key", key), ("name", name), ("subdriver", subdriver), ("device-number", Text(deviceNumber)), ("size", Text(size)),
            ("child-count", Text(children)), ("parent-count", Text(parents)), ("exported", "yes"), ("open", "0"));

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
