using Spool.DataPath;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.Agent.Host.Streaming;

/// <summary>The data path as the agent drives it; <see cref="DataPathEngine"/> binds it to Spool.DataPath.</summary>
public interface IDataPathEngine
{
    /// <summary>Streams; every checkpoint is awaited through <paramref name="sink"/>, which acknowledges it by returning.</summary>
    Task<BackupResult> BackupAsync(BackupRequest request, IBackupProgressSink sink, CancellationToken cancellationToken);

    /// <summary>Reads every block and content hash of a finished backup back.</summary>
    Task<VerifySummary> VerifyAsync(Guid backupId, IReadOnlyList<DriveSpec> drives, EncryptionKey? key, CancellationToken cancellationToken);

    Task<RestoreSummary> RestoreAsync(RestorePlan plan, IRestoreProgress progress, CancellationToken cancellationToken);
}
