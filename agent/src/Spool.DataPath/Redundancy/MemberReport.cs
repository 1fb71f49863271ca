namespace Spool.DataPath.Redundancy;

/// <summary>How one member of a redundancy set fared in a restore or verify.</summary>
public sealed record MemberReport(string SetId, RedundancyMode Mode, int MemberIndex, string Drive, MemberHealth Health, IReadOnlyList<string> Problems)
{
    public override string ToString() =>
        $"{SetId} member {MemberIndex} ({Drive}): {Health.ToString().ToLowerInvariant()}" + (Problems.Count > 0 ? " - " + string.Join("; ", Problems.Take(5)) + (Problems.Count > 5 ? $"; and {Problems.Count - 5} more" : "") : "");
}
