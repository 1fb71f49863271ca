namespace Spool.Api.V1Alpha1;

/// <summary>Where a catalogued backup is in its life.</summary>
public enum CatalogEntryState
{
    /// <summary>Verified and restorable.</summary>
    Complete,

    /// <summary>Its job failed after writing to the drive; never restored from, and reclaimed by retention.</summary>
    Incomplete,

    /// <summary>Expired by retention; no longer restorable; its drive space is being reclaimed.</summary>
    Expiring,

    /// <summary>Expired and reclaimed; the entry leaves the catalog.</summary>
    Expired,
}
