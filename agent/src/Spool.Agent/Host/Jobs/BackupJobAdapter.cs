using Spool.Api.V1Alpha1;

namespace Spool.Agent.Host.Jobs;

public sealed class BackupJobAdapter : IJobAdapter<BackupJob>
{
    public static BackupJobAdapter Instance { get; } = new();

    public JobSnapshot Snapshot(BackupJob job) => JobSnapshot.Of(job);

    public BackupJob Apply(BackupJob job, AgentWrite write)
    {
        var status = job.Status ?? new BackupJobStatus();
        return job with
        {
            Status = status with
            {
                Checkpoint = write.Checkpoint ?? status.Checkpoint,
                Progress = write.Progress ?? status.Progress,
                Report = write.Report ?? status.Report,
                Warnings = write.Warnings ?? status.Warnings,
            },
        };
    }
}
