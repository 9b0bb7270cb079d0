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

    /// <summary>The help text: one line per verb with its fields, then one per subdriver command, each line ending in a newline.</summary>
    public static string HelpText => string.Concat(HelpLines().Select(line => line + "\n"));

    /// <summary>One usage line per verb, such as <c>delete-instance name=TEXT  -- delete a disk instance (privileged)</c>, then one per subdriver command.</summary>
    public static IReadOnlyList<string> HelpLines() =>
        Commands.Select(command => command.Usage()).Concat(CommandTable.SubdriverCommands.Select(SubdriverUsage)).ToArray();

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

    /// <summary>
    /// Checks the fields a command carries without requiring any: known verb, each field known, given once
    /// and well typed. A binary packet decodes to such a command before the daemon fills in an implied instance.
    /// </summary>
    /// <exception cref="ControlException">EINVAL naming the command and the field concerned.</exception>
    public static void CheckFields(ControlCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var spec = Get(command.Verb);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var subdriverCommand = spec.Verb == ControlVerbs.IoctlSubdriver ? FindSubdriverCommand(command) : null;
        foreach (var field in command.Fields)
        {
            if (subdriverCommand?.FindField(field.Key) is { } commandField)
            {
                FieldValues.Validate(spec.Verb, field.Key, commandField.Type, field.Value);
            }
            else
            {
                CheckField(spec, field);
            }
            if (!seen.Add(field.Key))
            {
                throw new ControlException(ControlErrno.EINVAL, $"{spec.Verb}: field '{field.Key}' is given twice");
            }
        }
    }

    /// <summary>
    /// Checks a whole command: known verb, each field known, given once and well typed, every required field
    /// present, and for <c>ioctl-subdriver</c> a command the subdriver has.
    /// </summary>
    /// <exception cref="ControlException">EINVAL naming the command and the field concerned.</exception>
    public static void Validate(ControlCommand command)
    {
        CheckFields(command);
        var spec = Get(command.Verb);
        foreach (var fieldSpec in spec.Fields)
        {
            if (!command.Has(fieldSpec.Key) && fieldSpec.IsRequiredIn(command.Fields))
            {
                var condition = fieldSpec.WhenKey is null ? "" : $" (required when {fieldSpec.WhenKey}={fieldSpec.WhenValue})";
                throw new ControlException(ControlErrno.EINVAL, $"{spec.Verb}: missing field '{fieldSpec.Key}'{condition}");
            }
        }
        if (spec.Verb == ControlVerbs.IoctlSubdriver)
        {
            var subdriverCommand = GetSubdriverCommand(command);
            foreach (var fieldSpec in subdriverCommand.Fields)
            {
                if (fieldSpec.IsRequired && !command.Has(fieldSpec.Key))
                {
                    throw new ControlException(ControlErrno.EINVAL,
                        $"{spec.Verb}: missing field '{fieldSpec.Key}' (required by {subdriverCommand.Subdriver} command {subdriverCommand.Command})");
                }
            }
        }
    }

    /// <summary>
    /// The field <paramref name="key"/> of <paramref name="command"/> as the schema declares it: the verb's field, or for
    /// <c>ioctl-subdriver</c> the named subdriver command's; <see langword="null"/> when neither has it.
    /// </summary>
    public static FieldSpec? FindField(ControlCommand command, string key)
    {
        ArgumentNullException.ThrowIfNull(command);
        var spec = Find(command.Verb);
        return spec?.FindField(key)
            ?? (spec?.Verb == ControlVerbs.IoctlSubdriver ? FindSubdriverCommand(command)?.FindField(key) : null);
    }

    /// <summary>The subdriver command an <c>ioctl-subdriver</c> command names, or <see langword="null"/> when it names none (yet).</summary>
    private static SubdriverCommandSpec? FindSubdriverCommand(ControlCommand command) =>
        command.GetOptional("subdriver") is { } subdriver && command.GetOptional("command") is { } name ? FindSubdriverCommand(subdriver, name) : null;

    /// <summary>The subdriver command an <c>ioctl-subdriver</c> command names with its <c>subdriver</c> and <c>command</c> fields.</summary>
    /// <exception cref="ControlException">
    /// EINVAL: a field is missing, the subdriver is unknown, or it has no such command
    /// ("ioctl-subdriver: subdriver physical has no command 'x'").
    /// </exception>
    public static SubdriverCommandSpec GetSubdriverCommand(ControlCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var subdriver = command.Get("subdriver");
        var name = command.Get("command");
        if (!CommandTable.Subdrivers.Contains(subdriver))
        {
            throw UnknownSubdriver(command.Verb, subdriver);
        }
        return FindSubdriverCommand(subdriver, name) ??
            throw new ControlException(ControlErrno.EINVAL, $"{command.Verb}: subdriver {subdriver} has no command '{name}'");
    }

    /// <summary>The command <paramref name="command"/> of subdriver <paramref name="subdriver"/>, or <see langword="null"/>.</summary>
    public static SubdriverCommandSpec? FindSubdriverCommand(string subdriver, string command) =>
        CommandTable.SubdriverCommands.FirstOrDefault(spec => spec.Subdriver == subdriver && spec.Command == command);

    /// <summary>The error for a subdriver name that is not in <see cref="CommandTable.Subdrivers"/>.</summary>
    internal static ControlException UnknownSubdriver(string verb, string subdriver) =>
        new(ControlErrno.EINVAL, $"{verb}: unknown subdriver '{subdriver}' (known: {string.Join(", ", CommandTable.Subdrivers)})");

    /// <summary>
    /// Whether only privileged callers may run <paramref name="command"/>: the verb's entry in
    /// <see cref="CommandTable.Commands"/>, and for <c>ioctl-subdriver</c> the subdriver command's
    /// entry in <see cref="CommandTable.SubdriverCommands"/>.
    /// </summary>
    /// <exception cref="ControlException">EINVAL when the verb, or the subdriver command, is unknown.</exception>
    public static bool IsPrivileged(ControlCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var spec = Get(command.Verb);
        return spec.Verb == ControlVerbs.IoctlSubdriver ? GetSubdriverCommand(command).Privileged : spec.Privileged;
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

    /// <summary>
    /// Refuses a privileged command from a caller the daemon found unprivileged (not root, not the
    /// daemon's own uid, not a member of the administrators' group).
    /// </summary>
    /// <param name="command">The command to run.</param>
    /// <param name="callerIsPrivileged">Whether the daemon counts the caller as privileged.</param>
    /// <param name="callerUid">The caller's uid, for the message.</param>
    /// <param name="adminGroup">The administrators' group as configured (a name or a gid), or <see langword="null"/> when none is.</param>
    /// <exception cref="ControlException">
    /// EPERM "create-instance: only root or members of group 'vdmadm' may run this command (caller uid 1000)"
    /// ("only root may run ..." without a group), or EINVAL for an unknown verb or subdriver command.
    /// </exception>
    public static void CheckPermission(ControlCommand command, bool callerIsPrivileged, uint callerUid, string? adminGroup)
    {
        if (IsPrivileged(command) && !callerIsPrivileged)
        {
            var who = string.IsNullOrEmpty(adminGroup) ? "root" : $"root or members of group '{adminGroup}'";
            throw new ControlException(ControlErrno.EPERM, $"{command.Verb}: only {who} may run this command (caller uid {callerUid})");
        }
    }

    /// <summary>The reply to <c>help</c>: one <c>command</c> record per verb with its name, whether it needs root, and its usage line.</summary>
    public static ControlReply HelpReply() =>
        ControlReply.Success([], Commands.Select(command => new ControlRecord("command",
        [
            new ControlField("verb", command.Verb),
            ControlField.From("root", command.Privileged),
            new ControlField("usage", command.Usage()),
        ])).Concat(CommandTable.SubdriverCommands.Select(command => new ControlRecord("subdriver-command",
        [
            new ControlField("subdriver", command.Subdriver),
            new ControlField("command", command.Command),
            ControlField.From("root", command.Privileged),
            new ControlField("usage", SubdriverUsage(command)),
        ]))));

    /// <summary>A subdriver command as one <c>help</c> line, such as <c>ioctl-subdriver subdriver=physical name=TEXT command=flush  -- ... (privileged)</c>.</summary>
    public static string SubdriverUsage(SubdriverCommandSpec command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parts = new List<string> { ControlVerbs.IoctlSubdriver, $"subdriver={command.Subdriver}", "name=TEXT", $"command={command.Command}" };
        parts.AddRange(command.Fields.Select(field => field.Usage()));
        var usage = string.Join(' ', parts);
        return command.Privileged ? $"{usage}  -- {command.Summary} (privileged)" : $"{usage}  -- {command.Summary}";
    }

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
