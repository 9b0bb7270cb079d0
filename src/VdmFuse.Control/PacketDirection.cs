namespace VdmFuse.Control;

/// <summary>Which way a packet field travels for one command.</summary>
public enum PacketDirection
{
    /// <summary>Neither read nor written by this command: reserved space, or a field of the struct the command does not use. Must be zero.</summary>
    Unused,

    /// <summary>Read from the request; left as it is in the reply.</summary>
    In,

    /// <summary>Written in the reply; must be zero in the request.</summary>
    Out,

    /// <summary>Read from the request and written in the reply (an iteration key).</summary>
    InOut,
}
