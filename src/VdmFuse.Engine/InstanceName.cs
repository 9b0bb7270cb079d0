using VdmFuse.Native;

namespace VdmFuse.Engine;

/// <summary>
/// The rules for instance names: 1 to 63 characters of [A-Za-z0-9._-], not starting with '.' or '-' (a name
/// and its NUL fill the 64-byte name field of the binary packets).
/// </summary>
public static class InstanceName
{
    /// <summary>The longest name accepted.</summary>
    public const int MaximumLength = 63;

    /// <summary>Whether <paramref name="name"/> follows the rules.</summary>
    public static bool IsValid(string? name) => Problem(name) is null;

    /// <summary>Throws EINVAL with a sentence saying what is wrong with <paramref name="name"/>.</summary>
    /// <exception cref="ErrnoException">EINVAL: the name breaks a rule.</exception>
    public static void Validate(string? name)
    {
        if (Problem(name) is { } problem)
        {
            throw new ErrnoException(Errno.EINVAL, problem);
        }
    }

    private static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "an instance name must not be empty";
        }
        if (name.Length > MaximumLength)
        {
            return $"instance name '{name}' is {name.Length} characters long; at most {MaximumLength} are allowed";
        }
        if (name[0] is '.' or '-')
        {
            return $"instance name '{name}' must not start with '{name[0]}'";
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return $"instance name '{name}' contains '{c}'; only letters, digits, '.', '_' and '-' are allowed";
            }
        }
        return null;
    }
}
