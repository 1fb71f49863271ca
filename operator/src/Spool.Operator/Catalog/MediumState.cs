namespace Spool.Operator.Catalog;

/// <summary>The state of a drive's medium as far as retention is concerned.</summary>
public enum MediumState
{
    /// <summary>Holds no catalogued backups yet.</summary>
    Empty,

    /// <summary>Holds at least one backup that has not expired.</summary>
    InUse,

    /// <summary>Tape: every backup on the medium has expired; it may be overwritten from the beginning.</summary>
    Reusable,
}
