using Spool.Api.V1Alpha1;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.Agent.Host.Streaming;

/// <summary>A restore of a backup (or selected paths of it) into a directory.</summary>
/// <param name="Resume">An earlier epoch restored part of it: files in the target whose content hash matches the catalog are kept as they are, whatever the conflict policy.</param>
public sealed record RestorePlan(
    Guid BackupId,
    IReadOnlyList<DriveSpec> Drives,
    string TargetPath,
    IReadOnlyList<string>? Paths,
    ConflictPolicy ConflictPolicy,
    bool AllowPartial,
    EncryptionKey? Key,
    bool Resume,
    TimeSpan CheckpointInterval,
    long CheckpointBytes);
