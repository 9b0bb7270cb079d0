namespace VdmFuse.Engine.Metadata;

/// <summary>
/// Thrown by the test hook that stops a slot write after a given number of bytes, as if the process had
/// been killed there. Never thrown in normal operation.
/// </summary>
internal sealed class SimulatedCrashException(string message) : Exception(message);

/// <summary>Where a simulated crash stops a commit: during the write of copy <paramref name="CopyIndex"/>, after <paramref name="Bytes"/> bytes of its slot.</summary>
internal sealed record SimulatedCrash(int CopyIndex, int Bytes);
