using Xunit;

// Every class mounts its own daemon and some attach loop devices; on a 2-core machine they run one at a time so that
// timings stay predictable and loop devices are not contended.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// The tests drive a Linux FUSE daemon, losetup and mount(8).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
