namespace VdmFuse.Cli.Transport;

/// <summary>How to reach the daemon, from the global options.</summary>
/// <param name="ControlPath">The control file (<c>MOUNT/vdm</c>).</param>
/// <param name="Text">Use the text front door instead of binary packets.</param>
/// <param name="Wait">How long to keep retrying while no daemon answers.</param>
public sealed record ChannelOptions(string ControlPath, bool Text, TimeSpan Wait);
