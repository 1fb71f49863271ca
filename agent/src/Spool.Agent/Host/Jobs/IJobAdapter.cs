using Spool.Api;

namespace Spool.Agent.Host.Jobs;

/// <summary>What the agent needs from a job type: read the placement fields and set its own status fields.</summary>
public interface IJobAdapter<TJob>
    where TJob : class, IKubernetesObject
{
    JobSnapshot Snapshot(TJob job);

    TJob Apply(TJob job, AgentWrite write);
}
