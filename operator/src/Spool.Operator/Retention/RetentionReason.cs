namespace Spool.Operator.Retention;

/// <summary>Why retention keeps or expires a backup; the strings appear in Events and in the catalog.</summary>
public static class RetentionReason
{
    public const string NoPolicy = "NoPolicy";
    public const string KeepLast = "KeepLast";
    public const string MaxAge = "MaxAge";
    public const string Newest = "Newest";
    public const string Chain = "Chain";
    public const string Pinned = "Pinned";
    public const string Expired = "Expired";
    public const string Incomplete = "Incomplete";
}
