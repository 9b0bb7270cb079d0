using NLog;
using NLog.Config;
using NLog.Targets;

namespace VdmFuse.Daemon.Hosting;

/// <summary>NLog set-up: one line per operator event to the console and to the state directory's log file.</summary>
public static class Logging
{
    /// <summary>Configures NLog. <paramref name="console"/> is false for a daemon started in the background.</summary>
    public static void Configure(string level, string? logFile, bool console)
    {
        var config = new LoggingConfiguration();
        var min = LogLevel.FromString(level switch { "warn" => "Warn", _ => level });
        const string layout = "${longdate} ${level:uppercase=true:padding=-5} ${logger:shortName=true}: ${message}${onexception:inner= ${exception:format=ToString}}";
        if (console)
        {
            var target = new ConsoleTarget("console") { Layout = layout, StdErr = false, AutoFlush = true };
            config.AddRule(min, LogLevel.Fatal, target);
        }
        if (logFile is not null)
        {
            var file = new FileTarget("file")
            {
                FileName = logFile,
                Layout = layout,
                KeepFileOpen = true,
                AutoFlush = true,
                ArchiveAboveSize = 16 * 1024 * 1024,
                MaxArchiveFiles = 4,
            };
            config.AddRule(min, LogLevel.Fatal, file);
        }
        LogManager.Configuration = config;
    }
}
