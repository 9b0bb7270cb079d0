using VdmFuse.Control;
using Xunit;

namespace VdmFuse.Control.Tests;

public class ControlErrnoTests
{
    [Theory]
    [InlineData(ControlErrno.EPERM, 1, "EPERM")]
    [InlineData(ControlErrno.ENOENT, 2, "ENOENT")]
    [InlineData(ControlErrno.E2BIG, 7, "E2BIG")]
    [InlineData(ControlErrno.EBUSY, 16, "EBUSY")]
    [InlineData(ControlErrno.EEXIST, 17, "EEXIST")]
    [InlineData(ControlErrno.EINVAL, 22, "EINVAL")]
    [InlineData(ControlErrno.ENOSYS, 38, "ENOSYS")]
    public void Constant_LinuxValue_HasNameThatParsesBack(int constant, int linuxValue, string name)
    {
        Assert.Equal(linuxValue, constant);
        Assert.Equal(name, ControlErrno.Name(constant));
        Assert.True(ControlErrno.TryParse(name, out var parsed));
        Assert.Equal(constant, parsed);
    }

    [Fact]
    public void Name_ErrnoRaisedByOtherLayers_IsSymbolic()
    {
        Assert.Equal("EIO", ControlErrno.Name(5));
        Assert.Equal("ENOSPC", ControlErrno.Name(28));
    }

    [Fact]
    public void Name_UnnamedValue_IsENumberAndParsesBack()
    {
        Assert.Equal("E200", ControlErrno.Name(200));
        Assert.True(ControlErrno.TryParse("E200", out var parsed));
        Assert.Equal(200, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("E")]
    [InlineData("E0")]
    [InlineData("EFOO")]
    [InlineData("E-5")]
    [InlineData("ebusy")]
    [InlineData("E99999999999")]
    public void TryParse_NotAnErrnoName_ReturnsFalse(string name)
    {
        Assert.False(ControlErrno.TryParse(name, out var errno));
        Assert.Equal(0, errno);
    }

    [Fact]
    public void ControlException_Constructed_CarriesErrnoNameAndMessage()
    {
        var error = new ControlException(ControlErrno.EBUSY, "delete-instance: instance 'd0' is in use");
        Assert.Equal(16, error.Errno);
        Assert.Equal("EBUSY", error.ErrnoName);
        Assert.Equal("delete-instance: instance 'd0' is in use", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-22)]
    public void ControlException_NonPositiveErrno_Throws(int errno)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ControlException(errno, "x"));
    }
}
