namespace VdmFuse.Integration.Tests.Infrastructure;

/// <summary>Runs helper programs as root or as nobody (setpriv), with the system python (not a per-user one).</summary>
public static class SystemTools
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs a python3 script with arguments.</summary>
    public static CommandResult RunPython(string script, params string[] arguments) =>
        CommandRunner.Run(Python, ["-c", script, .. arguments]);

    /// <summary>Runs a python3 script as uid/gid 65534 (nobody) with no supplementary groups.</summary>
    public static CommandResult RunPythonAsNobody(string script, params string[] arguments) =>
        CommandRunner.Run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Python, "-c", script, .. arguments]);

    /// <summary>Runs dd with operands such as <c>if=...</c>, <c>bs=1M</c>; throws with its output on failure.</summary>
    public static CommandResult Dd(params string[] operands) =>
        CommandRunner.Run("dd", [.. operands, "status=none"]).EnsureSuccess();
}
