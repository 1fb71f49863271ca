namespace Spool.Operator.Catalog;

/// <summary>
/// How many backups of one schedule a drive's catalog has seen leave (reclaimed, or freed with their medium), and when
/// the last one did. Kept in the ConfigMap, whose writes carry a resourceVersion, so the count never goes back.
/// </summary>
public sealed record ExpiryTally(long Count, DateTimeOffset? Last);
