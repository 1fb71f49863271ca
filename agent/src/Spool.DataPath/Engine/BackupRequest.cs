using Spool.DataPath.Drives;
using Spool.DataPath.Format;
using Spool.DataPath.Redundancy;

namespace Spool.DataPath;

/// <summary>What to back up and where. A resumed backup passes the acknowledged <see cref="ResumeFrom"/> and a newer <see cref="Epoch"/>.</summary>
public sealed record BackupRequest
{
    public const long DefaultCheckpointBytes = 64L << 20;

    public required string SourcePath { get; init; }

    /// <summary>The drive new blocks go to.</summary>
    public required DriveSpec Drive { get; init; }

    /// <summary>
    /// Stripe with parity or mirror new blocks across these member drives instead of writing to <see cref="Drive"/> alone
    /// (then <see cref="Drive"/> is not written to). Null or <see cref="RedundancyMode.None"/> writes to one drive.
    /// </summary>
    public RedundancySet? Redundancy { get; init; }

    /// <summary>Further drives holding earlier segments (after a resume on another drive) or the incremental base.</summary>
    public IReadOnlyList<DriveSpec> OtherDrives { get; init; } = [];

    /// <summary>Ignored when resuming (the checkpoint's id is used).</summary>
    public Guid BackupId { get; init; } = Guid.NewGuid();

    /// <summary>The writer's placement epoch; must be greater than the checkpoint's when resuming.</summary>
    public long Epoch { get; init; } = 1;

    public CompressionKind Compression { get; init; } = CompressionKind.None;

    public EncryptionKey? Encryption { get; init; }

    /// <summary>0 disables byte-triggered checkpoints.</summary>
    public long CheckpointBytes { get; init; } = DefaultCheckpointBytes;

    /// <summary><see cref="TimeSpan.Zero"/> disables time-triggered checkpoints.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    public Checkpoint? ResumeFrom { get; init; }

    /// <summary>
    /// The first tape file of this backup starts at the beginning of the tape, overwriting the medium (a Tape drive whose
    /// every backup has expired, marked Reusable in the catalog). Only for a fresh start on a single Tape drive.
    /// </summary>
    public bool OverwriteMedium { get; init; }

    /// <summary>Store only what changed since this backup (found on the given drives); the restore reassembles the chain.</summary>
    public Guid? IncrementalFrom { get; init; }

    /// <summary>Asked at every checkpoint; false means a newer epoch owns the job and this writer stops.</summary>
    public Func<CancellationToken, ValueTask<bool>>? StillOwner { get; init; }

    public string? Label { get; init; }

    /// <summary>Upper bound on drive throughput in bytes per second (0 = unlimited), to leave bandwidth to the workload.</summary>
    public long RateLimitBytesPerSecond { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
