using Spool.Api;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>Turns a job's destination into the drives it may use and how many it needs.</summary>
public static class DriveDemands
{
    public const string DriveNotFound = "DriveNotFound";
    public const string NoMatchingDrive = "NoMatchingDrive";
    public const string NotEnoughDrives = "NotEnoughDrives";

    public static int Width(RedundancySpec? redundancy) => redundancy?.Mode switch
    {
        RedundancyMode.Mirror or RedundancyMode.Parity => Math.Max(1, redundancy.Width),
        _ => 1,
    };

    /// <summary>Named drives and drives the selector matches, named first, then by name.</summary>
    public static DriveDemand ForBackup(BackupDestination destination, ClusterSnapshot cluster) =>
        Demand(destination, cluster) with
        {
            Mode = destination.Redundancy?.Mode ?? RedundancyMode.None,
            ReplaceFailedMember = destination.Redundancy?.ReplaceFailedMember ?? false,
        };

    private static DriveDemand Demand(BackupDestination destination, ClusterSnapshot cluster)
    {
        var count = Width(destination.Redundancy);
        var names = destination.Drives ?? [];
        var candidates = new List<string>();
        var missing = new List<string>();
        foreach (var name in names)
        {
            if (cluster.FindDrive(name) is null)
            {
                missing.Add(name);
            }
            else if (!candidates.Contains(name))
            {
                candidates.Add(name);
            }
        }

        if (destination.DriveSelector is { } selector)
        {
            foreach (var drive in cluster.Drives.OrderBy(d => d.Metadata.Name, StringComparer.Ordinal))
            {
                if (Selectors.Matches(selector, drive.Metadata.Labels))
                {
                    if (!candidates.Contains(drive.Metadata.Name!))
                    {
                        candidates.Add(drive.Metadata.Name!);
                    }
                }
            }
        }

        var description = Describe(destination);
        if (candidates.Count == 0)
        {
            if (missing.Count > 0 && destination.DriveSelector is null)
            {
                return new DriveDemand(candidates, count, description, (DriveNotFound, $"TapeDrive {string.Join(", ", missing)} does not exist"));
            }

            return new DriveDemand(candidates, count, description, (NoMatchingDrive, destination.DriveSelector is null
                ? "spec.destination names no drive"
                : $"no TapeDrive matches spec.destination.driveSelector {SelectorText(destination.DriveSelector)}"));
        }

        if (candidates.Count < count)
        {
            return new DriveDemand(candidates, count, description, (NotEnoughDrives, $"{destination.Redundancy?.Mode} width {count} needs {count} drives; {description} has {candidates.Count}"));
        }

        return new DriveDemand(candidates, count, description);
    }

    public static string Describe(BackupDestination destination)
    {
        var parts = new List<string>();
        if (destination.Drives is { Count: > 0 } names)
        {
            parts.Add($"drives [{string.Join(", ", names)}]");
        }

        if (destination.DriveSelector is { } selector)
        {
            parts.Add($"drives matching {SelectorText(selector)}");
        }

        return parts.Count == 0 ? "no drives" : string.Join(" and ", parts);
    }

    public static string SelectorText(LabelSelector selector)
    {
        var parts = (selector.MatchLabels ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}").ToList();
        parts.AddRange((selector.MatchExpressions ?? []).Select(e => $"{e.Key} {e.Operator} ({string.Join(",", e.Values ?? [])})"));
        return parts.Count == 0 ? "{}" : string.Join(",", parts);
    }
}
