namespace VdmFuse.Engine.Devices;

/// <summary>
/// The device numbers a device's instances were given when it was last mounted (as a configuration database records
/// them), to give them again when it is mounted at the next start: its physical instance's and each volume's by lvid.
/// </summary>
/// <param name="DeviceId">The id of the device the numbers belong to; a device at the path with another id is refused.</param>
/// <param name="Physical">The physical instance's device number (0: the next free one).</param>
/// <param name="Volumes">Each volume's device number by lvid; a volume not listed gets the next free number.</param>
public sealed record DeviceNumbers(Guid DeviceId, uint Physical, IReadOnlyDictionary<ulong, uint> Volumes);
