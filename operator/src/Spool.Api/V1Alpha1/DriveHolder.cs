namespace Spool.Api.V1Alpha1;

public sealed record DriveHolder
{
    /// <summary>namespace/name of the job.</summary>
    public string Job { get; init; } = "";

    /// <summary>BackupJob or RestoreJob.</summary>
    public string Kind { get; init; } = BackupJob.KindValue;

    public string? JobUid { get; init; }

    /// <summary>Epoch of the job when the claim was made; a claim of an older epoch is stale.</summary>
    public long Epoch { get; init; }

    public string? Node { get; init; }

    /// <summary>Member index within the job's drive set.</summary>
    public int Member { get; init; }

    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? RenewTime { get; init; }
}
