using System.Globalization;
using VdmFuse.Cli.Transport;
using VdmFuse.Control;

namespace VdmFuse.Cli.Model;

/// <summary>
/// The daemon's instances, listed once with the keyed <c>get-instances key=K</c> form (one
/// instance per call, ENOENT after the last), to turn names into device numbers and back.
/// </summary>
public sealed class InstanceDirectory
{
    private const int ENOENT = 2;
    private const int EIO = 5;
    private const int MaxInstances = 1_000_000;
    private readonly IControlChannel _channel;
    private IReadOnlyList<InstanceSummary>? _instances;

    /// <summary>Creates a directory that lists instances through <paramref name="channel"/> when first asked.</summary>
    public InstanceDirectory(IControlChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        _channel = channel;
    }

    /// <summary>Every instance, in the daemon's order (listed on first use, then remembered).</summary>
    /// <exception cref="ControlException">The daemon refused the listing.</exception>
    public IReadOnlyList<InstanceSummary> Instances => _instances ??= List(_channel);

    /// <summary>Lists the instances through <paramref name="channel"/>, one keyed call each.</summary>
    /// <exception cref="ControlException">The daemon answered with an error other than ENOENT, or its keys do not advance.</exception>
    public static IReadOnlyList<InstanceSummary> List(IControlChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var instances = new List<InstanceSummary>();
        var key = "0";
        while (instances.Count < MaxInstances)
        {
            var reply = channel.Send(new ControlCommand("get-instances", new ControlField("key", key)));
            if (reply.Errno == ENOENT)
            {
                return instances;
            }
            CliReplies.ThrowIfError(reply);
            instances.Add(InstanceSummary.FromReply(reply));
            var next = reply.Find("key") ??
                throw new ControlException(EIO, "get-instances: the daemon's reply has no 'key' to continue the listing");
            if (next == key)
            {
                throw new ControlException(EIO, $"get-instances: the daemon's listing does not advance past key {key}");
            }
            key = next;
        }
        throw new ControlException(EIO, $"get-instances: the daemon lists more than {MaxInstances} instances");
    }

    /// <summary>The device number of the instance named <paramref name="nameOrNumber"/> (a number is returned as it is).</summary>
    /// <exception cref="ControlException">ENOENT when no instance has that name.</exception>
    public long DeviceNumberOf(string nameOrNumber)
    {
        ArgumentNullException.ThrowIfNull(nameOrNumber);
        if (IsDeviceNumber(nameOrNumber, out var number))
        {
            return number;
        }
        return Instances.FirstOrDefault(instance => instance.Name == nameOrNumber)?.DeviceNumber ??
            throw new ControlException(ENOENT, $"no instance named '{nameOrNumber}'");
    }

    /// <summary>The name of the instance with device number <paramref name="deviceNumber"/>, or the number as text when none has it.</summary>
    public string NameOf(long deviceNumber) =>
        Instances.FirstOrDefault(instance => instance.DeviceNumber == deviceNumber)?.Name ??
        deviceNumber.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="text"/> is a device number (decimal digits only) rather than a name.</summary>
    public static bool IsDeviceNumber(string text, out long number)
    {
        ArgumentNullException.ThrowIfNull(text);
        number = 0;
        return text.Length > 0 && text.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0 &&
            long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }
}
