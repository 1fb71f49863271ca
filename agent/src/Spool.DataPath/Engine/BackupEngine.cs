namespace Spool.DataPath;

/// <summary>Entry point for backups: fresh, resumed from a checkpoint, or incremental.</summary>
public sealed class BackupEngine
{
    public async Task<BackupResult> RunAsync(BackupRequest request, IBackupProgressSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(sink);
        using var session = new BackupSession(request, sink);
        return await session.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
