using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

/// <summary>A checkpoint is taken when either limit is reached, whichever comes first.</summary>
public sealed record CheckpointPolicy
{
    /// <summary>At most this much is sent again after a failover. Checkpoints come a little more often (every intervalBytes minus a quarter of it, at most 8 MiB less), because the agent streams on while one is being acknowledged.</summary>
    [Range(1048576, long.MaxValue)]
    [DefaultValue(67108864L)]
    public long IntervalBytes { get; init; } = 67108864;

    /// <summary>Seconds between checkpoints.</summary>
    [Range(1, 3600)]
    [DefaultValue(10)]
    public int IntervalSeconds { get; init; } = 10;
}
