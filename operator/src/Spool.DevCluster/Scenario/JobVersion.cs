using Spool.Api.V1Alpha1;

namespace Spool.DevCluster.Scenario;

/// <summary>One recorded version of a BackupJob, as a watch delivered it, with the time it arrived.</summary>
public sealed record JobVersion(DateTimeOffset Seen, string? ResourceVersion, BackupJob Job)
{
    public BackupJobStatus Status => Job.Status ?? new BackupJobStatus();

    public long Epoch => Status.Epoch;

    public string? Node => Status.Node;

    public BackupPhase? Phase => Status.Phase;

    public override string ToString() =>
        $"rv={ResourceVersion} phase={Phase} epoch={Epoch} node={Node} checkpoint=(epoch {Status.Checkpoint?.Epoch}, seq {Status.Checkpoint?.Sequence}, {Status.Checkpoint?.BytesDone} B) " +
        $"progress=(epoch {Status.Progress?.Epoch}, {Status.Progress?.BytesDone} B) resumeFrom={Status.ResumeFrom?.BytesDone} report={Status.Report?.Epoch}/{Status.Report?.Outcome}";
}
