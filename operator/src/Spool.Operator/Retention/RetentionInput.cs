using Spool.Api.V1Alpha1;

namespace Spool.Operator.Retention;

/// <summary>What retention decides over.</summary>
public sealed record RetentionInput
{
    /// <summary>Live catalog entries (Complete and Incomplete), one per backup id.</summary>
    public IReadOnlyList<CatalogEntry> Entries { get; init; } = [];

    /// <summary>Retention policies by schedule key (<c>namespace/name</c>). A schedule missing here keeps everything.</summary>
    public IReadOnlyDictionary<string, RetentionPolicy> Policies { get; init; } = new Dictionary<string, RetentionPolicy>();

    /// <summary>Backups that must stay whatever the policy says: read by a restore, or the base of a running incremental.</summary>
    public IReadOnlySet<string> Pinned { get; init; } = new HashSet<string>();

    public DateTimeOffset Now { get; init; }

    public static string ScheduleKey(string @namespace, string name) => $"{@namespace}/{name}";
}
