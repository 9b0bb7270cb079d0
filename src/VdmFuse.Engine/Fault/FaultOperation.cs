namespace VdmFuse.Engine.Fault;

/// <summary>The I/O a fault rule fails: reads, writes, or both (a set of flags).</summary>
[Flags]
public enum FaultOperation
{
    /// <summary>Reads of the rule's blocks.</summary>
    Read = 1,

    /// <summary>Writes of the rule's blocks (and flushes, when the rule covers the whole instance).</summary>
    Write = 2,

    /// <summary>Reads and writes.</summary>
    Both = Read | Write,
}

/// <summary>The words of <see cref="FaultOperation"/> in the control language: read, write, both.</summary>
public static class FaultOperations
{
    /// <summary>The word of <paramref name="operation"/>: "read", "write" or "both".</summary>
    public static string Name(FaultOperation operation) => operation switch
    {
        FaultOperation.Read => "read",
        FaultOperation.Write => "write",
        FaultOperation.Both => "both",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "not a fault operation"),
    };

    /// <summary>Parses "read", "write" or "both".</summary>
    public static bool TryParse(string word, out FaultOperation operation)
    {
        operation = word switch
        {
            "read" => FaultOperation.Read,
            "write" => FaultOperation.Write,
            "both" => FaultOperation.Both,
            _ => 0,
        };
        return operation != 0;
    }
}
