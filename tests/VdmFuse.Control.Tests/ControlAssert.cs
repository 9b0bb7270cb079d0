using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests;

/// <summary>Asserts that an action fails with a given errno and exact message.</summary>
internal static class ControlAssert
{
    public static void Fails(int errno, string message, Action action)
    {
        var error = Assert.Throws<ControlException>(action);
        Assert.Equal(message, error.Message);
        Assert.Equal(ControlErrno.Name(errno), error.ErrnoName);
        Assert.Equal(errno, error.Errno);
    }

    public static void ParseFails(int errno, string message, string line) =>
        Fails(errno, message, () => TextCodec.Parse(line));
}
