using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

public sealed record TapeDriveObservation
{
    public required TapeDrive Drive { get; init; }

    /// <summary>The job named by <c>status.holder</c>; null when there is no holder or the job does not exist.</summary>
    public HolderJob? Holder { get; init; }

    public DateTimeOffset Now { get; init; }

    public OperatorSettings Settings { get; init; } = new();
}
