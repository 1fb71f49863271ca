using Spool.Agent.Host.Fencing;
using Spool.Agent.Host.Jobs;

namespace Spool.Agent.Host;

/// <summary>A running stream of one (job, epoch).</summary>
public sealed record StreamHandle(JobKind Kind, string Key, long Epoch, FenceSignal Fence)
{
    public Task Completion { get; set; } = Task.CompletedTask;
}
