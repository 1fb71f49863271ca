namespace Spool.Api.V1Alpha1;

public enum ConflictPolicy
{
    /// <summary>Refuse to restore into a target that holds any of the restored paths.</summary>
    Fail,

    /// <summary>Keep existing files.</summary>
    Skip,

    /// <summary>Replace existing files.</summary>
    Overwrite,
}
