namespace VdmFuse.Control;

/// <summary>
/// Checks commands against <see cref="CommandTable.Commands"/>: known verb, known fields given
/// once each, required fields present, values of the declared type; and who may run them.
/// </summary>
public static class CommandSchema
{
    private static readonly Dictionary<string, CommandSpec> ByVerb = Index(CommandTable.Commands);

    /// <summary>The commands, in the order <c>help</c> lists them.</summary>
    public static IReadOnlyList<CommandSpec> Commands => CommandTable.Commands;

    /// <summary>The help text: one line per verb with its fields, each line ending in a newline.</summary>
    public static string HelpText => string.Concat(HelpLines().Select(line => line + "\n"));

    /// <summary>One usage line per verb, such as <c>delete-instance name=TEXT  -- delete a disk instance (root only)</c>.</summary>
    public static IReadOnlyList<string> HelpLines() => Commands.Select(command => command.Usage()).ToArray();

    /// <summary>The command named <paramref name="verb"/>, or <see langword="null"/>.</summary>
    public static CommandSpec? Find(string verb) => ByVerb.GetValueOrDefault(verb);

    /// <summary>The command named <paramref name="verb"/>.</summary>
    /// <exception cref="ControlException">EINVAL "unknown command 'foo'; try 'help'".</exception>
    public static CommandSpec Get(string verb) =>
        Find(verb) ?? throw new ControlException(ControlErrno.EINVAL, $"unknown command '{verb}'; try 'help'");

    /// <summary>Checks one field as it is read: the command accepts it and its value has the declared type.</summary>
    /// <exception cref="ControlException">EINVAL naming the command, the field and what is wrong.</exception>
    public static void CheckField(CommandSpec spec, ControlField field)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var fieldSpec = spec.FindField(field.Key) ??
            throw new ControlException(ControlErrno.EINVAL, $"{spec.Verb}: unknown field '{field.Key}'");
        FieldValues.Validate(spec.Verb, field.Key, fieldSpec.Type, field.Value);
    }

    /// <summary>Checks a whole command: known verb, each field known, given once and well typed, and every required field present.</summary>
    /// <exception cref="ControlException">EINVAL naming the command and the field concerned.</exception>
    public static void Validate(ControlCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var spec = Get(command.Verb);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in command.Fields)
        {
            CheckField(spec, field);
            if (!seen.Add(field.Key))
            {
                throw new ControlException(ControlErrno.EINVAL, $"{spec.Verb}: field '{field.Key}' is given twice");
            }
        }
        foreach (var fieldSpec in spec.Fields)
        {
            if (!seen.Contains(fieldSpec.Key) && fieldSpec.IsRequiredIn(command.Fields))
            {
                var condition = fieldSpec.WhenKey is null ? "" : $" (required when {fieldSpec.WhenKey}={fieldSpec.WhenValue})";
                throw new ControlException(ControlErrno.EINVAL, $"{spec.Verb}: missing field '{fieldSpec.Key}'{condition}");
            }
        }
    }

    /// <summary>Whether only root may run <paramref name="command"/>.</summary>
    /// <exception cref="ControlException">EINVAL when the verb is unknown.</exception>
    public static bool IsPrivileged(ControlCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Get(command.Verb).Privileged;
    }

    /// <summary>Refuses a privileged command from a caller other than root (uid 0).</summary>
    /// <exception cref="ControlException">EPERM "create-instance: only root may run this command (caller uid 1000)", or EINVAL for an unknown verb.</exception>
    public static void CheckPermission(ControlCommand command, uint callerUid)
    {
        if (IsPrivileged(command) && callerUid != 0)
        {
            throw new ControlException(ControlErrno.EPERM, $"{command.Verb}: only root may run this command (caller uid {callerUid})");
        }
    }

    /// <summary>The reply to <c>help</c>: one <c>command</c> record per verb with its name, whether it needs root, and its usage line.</summary>
    public static ControlReply HelpReply() =>
        ControlReply.Success([], Commands.Select(command => new ControlRecord("command",
        [
            new ControlField("verb", command.Verb),
            ControlField.From("root", command.Privileged),
            new ControlField("usage", command.Usage()),
        ])));

    /// <summary>Indexes a command table by verb, refusing a verb or a field declared twice.</summary>
    internal static Dictionary<string, CommandSpec> Index(IEnumerable<CommandSpec> commands)
    {
        var byVerb = new Dictionary<string, CommandSpec>(StringComparer.Ordinal);
        foreach (var command in commands)
        {
            if (!byVerb.TryAdd(command.Verb, command))
            {
                throw new ArgumentException($"verb '{command.Verb}' is declared twice", nameof(commands));
            }
            if (command.Fields.Select(field => field.Key).Distinct(StringComparer.Ordinal).Count() != command.Fields.Count)
            {
                throw new ArgumentException($"verb '{command.Verb}' declares a field twice", nameof(commands));
            }
        }
        return byVerb;
    }
}
