using Spool.DataPath.Drives;

namespace Spool.DataPath.Redundancy;

/// <summary>The drives a redundant backup is written to: k+1 members for <see cref="RedundancyMode.Parity"/>, n for <see cref="RedundancyMode.Mirror"/>.</summary>
public sealed record RedundancySet(RedundancyMode Mode, IReadOnlyList<DriveSpec> Members)
{
    /// <summary>
    /// Members that failed and are written degraded: their spec names the lost drive (it stays in every member header so
    /// that a reader knows what is missing) but nothing is opened or written there. At most one for Parity; a mirror
    /// keeps at least one copy.
    /// </summary>
    public IReadOnlyList<int> AbsentMembers { get; init; } = [];

    public const int MinDataMembers = 2;
    public const int MaxDataMembers = 8;

    /// <summary>Members holding data in each stripe (k); the whole width for a mirror.</summary>
    public int DataMembers => Mode == RedundancyMode.Parity ? Members.Count - 1 : Members.Count;

    public void Validate()
    {
        switch (Mode)
        {
            case RedundancyMode.Parity when Members.Count - 1 is < MinDataMembers or > MaxDataMembers:
                throw new ArgumentException($"parity needs k+1 drives with {MinDataMembers} <= k <= {MaxDataMembers}, got {Members.Count} drives");
            case RedundancyMode.Mirror when Members.Count < 2:
                throw new ArgumentException($"a mirror needs at least 2 drives, got {Members.Count}");
            case RedundancyMode.None:
                throw new ArgumentException("redundancy None has no member set");
        }

        if (AbsentMembers.Any(i => i < 0 || i >= Members.Count) || AbsentMembers.Distinct().Count() != AbsentMembers.Count)
        {
            throw new ArgumentException($"absent members {string.Join(", ", AbsentMembers)} are not distinct members of a set of {Members.Count}");
        }

        var tolerated = Mode == RedundancyMode.Parity ? 1 : Members.Count - 1;
        if (AbsentMembers.Count > tolerated)
        {
            throw new ArgumentException($"{Mode} set of {Members.Count} drives can be written with at most {tolerated} member(s) absent, not {AbsentMembers.Count}");
        }

        if (Members.Select(m => Path.GetFullPath(m.Path)).Distinct(StringComparer.Ordinal).Count() != Members.Count)
        {
            throw new ArgumentException("the members of a redundancy set must be distinct drives");
        }
    }
}
