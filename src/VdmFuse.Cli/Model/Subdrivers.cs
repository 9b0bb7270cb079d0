using System.Globalization;

namespace VdmFuse.Cli.Model;

/// <summary>The subdriver names and their ids in <c>vdm.h</c> (<c>VDM_SUBDRIVER_*</c>).</summary>
public static class Subdrivers
{
    private static readonly string[] Names = ["physical", "partition", "mirror", "remap", "fault", "volume"];

    /// <summary>The subdriver's name for a name or a numeric id ("2" becomes "partition"); other text unchanged.</summary>
    public static string Name(string nameOrId)
    {
        ArgumentNullException.ThrowIfNull(nameOrId);
        if (uint.TryParse(nameOrId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            if (id >= 1 && id <= Names.Length)
            {
                return Names[id - 1];
            }
            return id == uint.MaxValue ? "non-vdm" : nameOrId;
        }
        return nameOrId;
    }
}
