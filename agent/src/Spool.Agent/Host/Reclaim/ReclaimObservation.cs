using Spool.Api.V1Alpha1;
using Spool.DataPath.Drives;
using TapeDrive = Spool.Api.V1Alpha1.TapeDrive;

namespace Spool.Agent.Host.Reclaim;

/// <summary>What <see cref="ReclaimDecider"/> looks at for one drive, as this agent sees it now.</summary>
public sealed record ReclaimObservation
{
    /// <summary>This agent's node.</summary>
    public required string Node { get; init; }

    public required TapeDrive Drive { get; init; }

    /// <summary>The drive's path exists on this node (mapped as for streams).</summary>
    public bool PathPresent { get; init; }

    /// <summary>The entries of this drive's catalog ConfigMap.</summary>
    public IReadOnlyList<CatalogEntry> Entries { get; init; } = [];

    /// <summary>The entries of every drive's catalog, so that a chain spanning drives is seen whole.</summary>
    public IReadOnlyList<CatalogEntry> AllEntries { get; init; } = [];

    /// <summary>The drive catalog's <c>reclaimed</c> key (written by agents).</summary>
    public IReadOnlyList<string> Reclaimed { get; init; } = [];

    /// <summary>Tape files on the drive; null when they were not read (the drive is skipped before any I/O).</summary>
    public IReadOnlyList<ReclaimFile>? Files { get; init; }

    /// <summary>Tape files named by the segment chain of a backup that is not expiring (retained, in flight, or not catalogued).</summary>
    public IReadOnlySet<TapeFileAddress> RetainedFiles { get; init; } = new HashSet<TapeFileAddress>();
}
