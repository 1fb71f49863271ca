using System.Globalization;
using System.Text.RegularExpressions;

namespace Spool.Transpiler;

/// <summary>Kubernetes version priority: GA before beta before alpha, then higher numbers first; other names last.</summary>
public static partial class KubernetesVersion
{
    public static long Priority(string version)
    {
        var match = Pattern().Match(version);
        if (!match.Success)
        {
            return 0;
        }

        var major = long.Parse(match.Groups["major"].Value, CultureInfo.InvariantCulture);
        var stream = match.Groups["stream"].Value switch
        {
            "" => 3,
            "beta" => 2,
            _ => 1,
        };
        var minor = match.Groups["minor"].Success ? long.Parse(match.Groups["minor"].Value, CultureInfo.InvariantCulture) : 0;
        return (stream * 1_000_000L) + (major * 1_000L) + minor;
    }

    [GeneratedRegex("^v(?<major>[0-9]+)((?<stream>alpha|beta)(?<minor>[0-9]+))?$")]
    private static partial Regex Pattern();
}
