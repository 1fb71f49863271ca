namespace Spool.Api.V1Alpha1;

/// <summary>Written by the operator only.</summary>
public sealed record TapeDriveStatus
{
    /// <summary>Available, InUse, Offline or Failed.</summary>
    public DrivePhase? Phase { get; init; }

    /// <summary>The metadata.generation the operator last acted on.</summary>
    public long? ObservedGeneration { get; init; }

    /// <summary>Ready and the failure reasons, with observedGeneration.</summary>
    public IReadOnlyList<Condition>? Conditions { get; init; }

    /// <summary>The job holding the drive; empty when free.</summary>
    public DriveHolder? Holder { get; init; }

    /// <summary>A drive operation recorded before it starts, so that the next holder can finish or undo it.</summary>
    public PendingDriveOperation? PendingOperation { get; init; }

    /// <summary>Bytes written to the drive over its life.</summary>
    public long BytesWritten { get; init; }

    /// <summary>The last error the drive reported.</summary>
    public string? LastError { get; init; }

    /// <summary>When the last error happened.</summary>
    public DateTimeOffset? LastErrorTime { get; init; }
}
