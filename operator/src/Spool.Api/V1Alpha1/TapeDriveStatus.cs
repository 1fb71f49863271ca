namespace Spool.Api.V1Alpha1;

/// <summary>Written by the operator only.</summary>
public sealed record TapeDriveStatus
{
    public DrivePhase? Phase { get; init; }

    public long? ObservedGeneration { get; init; }

    public IReadOnlyList<Condition>? Conditions { get; init; }

    /// <summary>The job holding the drive; empty when free.</summary>
    public DriveHolder? Holder { get; init; }

    /// <summary>A drive operation recorded before it starts, so that the next holder can finish or undo it.</summary>
    public PendingDriveOperation? PendingOperation { get; init; }

    public long BytesWritten { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? LastErrorTime { get; init; }
}
