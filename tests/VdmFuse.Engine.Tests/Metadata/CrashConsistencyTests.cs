using VdmFuse.Engine.Metadata;
using VdmFuse.Testing;
using static VdmFuse.Engine.Tests.Metadata.MetadataTestKit;

namespace VdmFuse.Engine.Tests.Metadata;

public sealed class CrashConsistencyTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Load_AfterCrashAtRandomByteOfRandomCopy_LastCommittedOrInFlightNeverAMixture()
    {
        var device = _scratch.CreateFile("device", 512 * 1024);
        RecordLocation[] locations =
        [
            new(device, 0, 65536),
            new(device, 65536, 65536),
            new(_scratch["config.2"]),
        ];
        var random = new Random(4);
        var database = ConfigDatabase.Open(locations);
        var committed = database.State;
        var adoptedInFlight = 0;
        for (var iteration = 0; iteration < 1000; iteration++)
        {
            for (var i = random.Next(2); i > 0; i--)
            {
                committed = database.Commit(s => Change(s, random));
            }
            var inFlight = Change(committed, random);
            var image = (int)SlotFormat.ImageLength(ConfigSerializer.Serialize(inFlight).Length);
            database.CrashHook = new SimulatedCrash(random.Next(locations.Length), random.Next(image + 1));
            Assert.Throws<SimulatedCrashException>(() => database.Commit(_ => inFlight));

            var reloaded = ConfigDatabase.Open(locations);
            var report = reloaded.LastLoad!;
            Assert.True(report.IsEnabled, report.DisabledReason);
            Assert.Equal(locations.Length, report.GoodCopies);
            var state = reloaded.State;
            Assert.True(state.SameAs(committed) || state.SameAs(inFlight), $"iteration {iteration}: a mixture was loaded");
            if (state.SameAs(inFlight) && !inFlight.SameAs(committed))
            {
                adoptedInFlight++;
            }
            Assert.All(reloaded.Check(), c => Assert.True(c.Verified, c.Health.ToString()));
            committed = state;
            database = reloaded;
        }
        Assert.InRange(adoptedInFlight, 1, 999);
    }

    private static ConfigState Change(ConfigState state, Random random)
    {
        if (state.Instances.Count > 3 && random.Next(3) == 0)
        {
            return state.WithoutInstance(state.Instances[random.Next(state.Instances.Count)].Name);
        }
        if (state.Instances.Count > 0 && random.Next(2) == 0)
        {
            var victim = state.Instances[random.Next(state.Instances.Count)];
            var attributes = new Dictionary<string, string>(victim.Attributes) { ["size"] = random.Next(1, 1 << 20).ToString() };
            return state.WithInstance(victim with { Attributes = attributes, Exported = !victim.Exported });
        }
        return AddDisk(state);
    }
}
