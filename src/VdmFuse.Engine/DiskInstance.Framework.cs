using System.Globalization;
using VdmFuse.Native;

namespace VdmFuse.Engine;

// The framework commands a subdriver answers for its instances: children, attributes, subdriver commands.
// Messages name the instance and leave out the command's verb: the control plane prefixes it.
public abstract partial class DiskInstance
{
    /// <summary>The instance as a sentence names it: "physical instance 'a'".</summary>
    public string Description => $"{Subdriver} instance '{Name}'";

    /// <summary>The subdriver's attributes of the instance (get-attributes), numbers in decimal; none by default.</summary>
    public virtual IReadOnlyList<KeyValuePair<string, string>> Attributes => [];

    /// <summary>
    /// The role fields of one of this instance's children (the role packet its subdriver fills in);
    /// none by default.
    /// </summary>
    public virtual IReadOnlyList<KeyValuePair<string, string>> ChildRole(ChildSlot child) => [];

    /// <summary>
    /// Changes the instance's attributes; <paramref name="attributes"/> holds only those to change, numbers in
    /// decimal (blocks for block counts). By default nothing is updatable.
    /// </summary>
    /// <exception cref="ErrnoException">EINVAL: not updatable or out of range; EBUSY: the instance is in use.</exception>
    public virtual void UpdateAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        throw new ErrnoException(Errno.EINVAL, $"{Description} has no updatable attributes");
    }

    /// <summary>
    /// Runs one of the subdriver's commands on this instance and returns its reply fields. By default the
    /// subdriver has none.
    /// </summary>
    /// <exception cref="ErrnoException">EINVAL: no such command, or a field it does not take; the command's own errors.</exception>
    public virtual IReadOnlyList<KeyValuePair<string, string>> ExecuteSubdriverCommand(string command, IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        throw new ErrnoException(Errno.EINVAL, $"subdriver {Subdriver} has no command '{command}'");
    }

    /// <summary>
    /// Accepts <paramref name="child"/> as an extra child, in the role <paramref name="role"/> describes, or
    /// refuses it. The registry has checked that both exist, that the link makes no cycle, and that the child
    /// is not already linked; an accepting subdriver calls <see cref="AttachChild"/>. By default an instance
    /// takes no children.
    /// </summary>
    /// <exception cref="ErrnoException">EINVAL (or another errno) naming both instances.</exception>
    protected internal virtual void LinkChild(DiskInstance child, IReadOnlyDictionary<string, string> role)
    {
        ArgumentNullException.ThrowIfNull(child);
        throw new ErrnoException(Errno.EINVAL, $"{Description} takes no children");
    }

    /// <summary>
    /// Gives up <paramref name="child"/> (one of <see cref="Children"/>, checked by the registry) or refuses;
    /// an accepting subdriver calls <see cref="DetachChild"/>. By default children cannot be unlinked.
    /// </summary>
    /// <exception cref="ErrnoException">EINVAL (or another errno) naming both instances.</exception>
    protected internal virtual void UnlinkChild(DiskInstance child)
    {
        ArgumentNullException.ThrowIfNull(child);
        throw new ErrnoException(Errno.EINVAL, $"'{child.Name}' cannot be unlinked from {Description}");
    }

    /// <summary>
    /// Refuses an open the subdriver's policy does not allow (a mirror below its minimum of images); called
    /// under the open lock before the open is counted. By default every open is allowed.
    /// </summary>
    /// <exception cref="ErrnoException">ENXIO (or another errno) naming the instance.</exception>
    protected virtual void CheckCanOpen()
    {
    }

    /// <summary>Called after the last open file on the instance is closed (outside the open lock). Nothing by default.</summary>
    protected virtual void OnLastClose()
    {
    }

    /// <summary>
    /// Refuses a delete the subdriver does not allow beyond the framework's rules (a mirror while a sync
    /// runs); called by the registry before the instance is marked deleted. By default nothing more is refused.
    /// </summary>
    /// <exception cref="ErrnoException">EBUSY (or another errno) naming the instance.</exception>
    protected internal virtual void CheckDeletable()
    {
    }

    /// <summary>Adds <paramref name="child"/> to <see cref="Children"/> and this instance to its parents.</summary>
    protected void AttachChild(DiskInstance child)
    {
        ArgumentNullException.ThrowIfNull(child);
        lock (_childrenLock)
        {
            _children = [.. _children, child];
        }
        child.AttachParent(this);
    }

    /// <summary>Removes <paramref name="child"/> from <see cref="Children"/> and this instance from its parents.</summary>
    protected void DetachChild(DiskInstance child)
    {
        ArgumentNullException.ThrowIfNull(child);
        lock (_childrenLock)
        {
            _children = [.. _children.Where(c => c != child)];
        }
        child.DetachParent(this);
    }

    /// <summary>
    /// Runs <paramref name="change"/> while no file is open on the instance: opens wait for it, and it is
    /// refused while files are open.
    /// </summary>
    /// <exception cref="ErrnoException">EBUSY: the instance is open.</exception>
    protected void ChangeWhileClosed(string what, Action change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_openLock)
        {
            if (_openCount > 0)
            {
                throw new ErrnoException(Errno.EBUSY,
                    $"cannot change {what} of {Description}: it is open ({_openCount} {(_openCount == 1 ? "open" : "opens")})");
            }
            change();
        }
    }

    /// <summary>Reads a whole non-negative decimal number of an attribute or command field.</summary>
    /// <exception cref="ErrnoException">EINVAL naming the field and the instance.</exception>
    protected long ParseNumber(string key, string value)
    {
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw new ErrnoException(Errno.EINVAL, $"'{key}' of {Description} must be a non-negative whole number, not '{value}'");
        }
        return number;
    }
}
