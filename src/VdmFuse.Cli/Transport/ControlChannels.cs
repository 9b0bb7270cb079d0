namespace VdmFuse.Cli.Transport;

/// <summary>Builds the channel the tool uses: binary packets (names resolved to device numbers) or text lines, retried while the daemon restarts.</summary>
public static class ControlChannels
{
    /// <summary>The channel for <paramref name="options"/>, on the system clock.</summary>
    public static IControlChannel Open(ChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IControlChannel inner = options.Text
            ? new TextControlChannel(options.ControlPath)
            : new NameResolvingChannel(new BinaryControlChannel(options.ControlPath));
        return new RetryingControlChannel(inner, options.Wait, TimeProvider.System, Thread.Sleep);
    }
}
