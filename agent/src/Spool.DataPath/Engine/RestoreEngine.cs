using Spool.DataPath.Drives;
using Spool.DataPath.Native;
using Spool.DataPath.Redundancy;

namespace Spool.DataPath;

/// <summary>Restores a backup (full or selected paths) into a directory, verifying every block and content hash on the way.</summary>
public sealed class RestoreEngine
{
    public async Task<RestoreResult> RunAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var drives = RedundantDrive.OpenForReading(request.Drives);
        try
        {
            using var session = new RestoreSession(drives, request.BackupId, request.TargetPath, request.Paths, request.AllowPartial, request.Encryption, request.RestoreOwnership ?? Posix.GetEuid() == 0);
            var result = await session.RunAsync(cancellationToken).ConfigureAwait(false);
            return result with { Members = RedundantDrive.Reports(drives) };
        }
        finally
        {
            drives.ForEach(d => d.Dispose());
        }
    }
}
