namespace Spool.Api.V1Alpha1;

public sealed record DriveHolder
{
    /// <summary>namespace/name of the job.</summary>
    public string Job { get; init; } = "";

    /// <summary>BackupJob or RestoreJob.</summary>
    public string Kind { get; init; } = BackupJob.KindValue;

    /// <summary>UID of the holding job, so that a re-created job of the same name is not taken for the holder.</summary>
    public string? JobUid { get; init; }

    /// <summary>Epoch of the job when the claim was made; a claim of an older epoch is stale.</summary>
    public long Epoch { get; init; }

    /// <summary>Node the holder streams from.</summary>
    public string? Node { get; init; }

    /// <summary>Member index within the job's drive set.</summary>
    public int Member { get; init; }

    /// <summary>When the claim was made.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>When the holder last confirmed the claim.</summary>
    public DateTimeOffset? RenewTime { get; init; }
}
