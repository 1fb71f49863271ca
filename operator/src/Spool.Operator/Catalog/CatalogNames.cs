namespace Spool.Operator.Catalog;

/// <summary>Where the catalog lives: one ConfigMap per drive in the operator namespace, one data key per source.</summary>
public static class CatalogNames
{
    public const string ConfigMapPrefix = "spool-catalog-";

    /// <summary>Agent-written key: JSON list of backup ids whose tape files the agent deleted.</summary>
    public const string ReclaimedKey = "reclaimed";

    /// <summary>Agent-written key: the writer that took a Reusable tape medium and overwrote it from its start.</summary>
    public const string MediumReuseKey = "mediumReuse";

    /// <summary>Operator-written key: JSON list of expired backup ids, so that a surviving BackupJob is not catalogued again.</summary>
    public const string ExpiredKey = "expired";

    /// <summary>Operator-written key: InUse, or Reusable once every backup on the medium has expired (tape drives).</summary>
    public const string MediumKey = "medium";

    /// <summary>Operator-written key: per schedule, how many of its backups left this catalog (see <see cref="ExpiryTally"/>).</summary>
    public const string TalliesKey = "tallies";

    public static string ConfigMapFor(string drive) => ConfigMapPrefix + drive;

    /// <summary>Namespaces and claim names never contain '_', so the key is unambiguous and valid for a ConfigMap.</summary>
    public static string SourceKey(string @namespace, string claim) => $"{@namespace}_{claim}";

    public static bool IsSourceKey(string key) => key.Contains('_', StringComparison.Ordinal);
}
