using System.Diagnostics;

namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>Runs the vdmadm tool as an administrator would: <c>dotnet vdmadm.dll --mount MNT ARGS</c>, timed.</summary>
public static class Vdmadm
{
    /// <summary>vdmadm.dll, copied next to the test assembly by the project reference.</summary>
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "vdmadm.dll");

    /// <summary>Runs vdmadm with <paramref name="arguments"/>; returns its result and how long it took.</summary>
    public static (CommandResult Result, TimeSpan Elapsed) RunTimed(params string[] arguments)
    {
        var clock = Stopwatch.StartNew();
        var result = CommandRunner.Run(DaemonProcess.DotnetHost(), [Assembly, .. arguments]);
        return (result, clock.Elapsed);
    }

    /// <summary>Runs <c>vdmadm --mount <paramref name="mountpoint"/> ARGS</c>.</summary>
    public static CommandResult Run(string mountpoint, params string[] arguments) =>
        RunTimed(["--mount", mountpoint, .. arguments]).Result;

    /// <summary>Runs vdmadm and throws with its output unless it exited with 0.</summary>
    public static CommandResult RunOk(string mountpoint, params string[] arguments) =>
        Run(mountpoint, arguments).EnsureSuccess();
}
