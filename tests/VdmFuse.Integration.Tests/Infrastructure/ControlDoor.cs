namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>The three front doors of the control plane.</summary>
public enum ControlDoor
{
    /// <summary>A text line written to MNT/vdm; the reply read back as text on the same open file.</summary>
    Text,

    /// <summary>A request header and packet written to MNT/vdm; the reply header and packet read back.</summary>
    Packet,

    /// <summary>ioctl(2) with the packet alone, on MNT/vdm or on an exported instance file.</summary>
    Ioctl,
}
