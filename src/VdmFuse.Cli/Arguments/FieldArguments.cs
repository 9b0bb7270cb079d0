using VdmFuse.Control;

namespace VdmFuse.Cli.Arguments;

/// <summary>Extra <c>key=value</c> arguments passed straight through as fields of a control command (subdriver commands, roles).</summary>
public static class FieldArguments
{
    /// <summary>Parses each <c>key=value</c> word into a field.</summary>
    /// <exception cref="ControlException">EINVAL naming the word without '=' or with an empty key.</exception>
    public static IReadOnlyList<ControlField> Parse(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var fields = new List<ControlField>();
        foreach (var word in words)
        {
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ControlException(ControlErrno.EINVAL, $"'{word}' is not a field: write key=value");
            }
            fields.Add(new ControlField(word[..equals], word[(equals + 1)..]));
        }
        return fields;
    }
}
