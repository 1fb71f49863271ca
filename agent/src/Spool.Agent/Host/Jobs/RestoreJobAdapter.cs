using Spool.Api.V1Alpha1;

namespace Spool.Agent.Host.Jobs;

public sealed class RestoreJobAdapter : IJobAdapter<RestoreJob>
{
    public static RestoreJobAdapter Instance { get; } = new();

    public JobSnapshot Snapshot(RestoreJob job) => JobSnapshot.Of(job);

    public RestoreJob Apply(RestoreJob job, AgentWrite write)
    {
        var status = job.Status ?? new RestoreJobStatus();
        return job with
        {
            Status = status with
            {
                Checkpoint = write.Checkpoint ?? status.Checkpoint,
                Progress = write.Progress ?? status.Progress,
                Report = write.Report ?? status.Report,
                FailedFiles = write.FailedFiles ?? status.FailedFiles,
            },
        };
    }
}
