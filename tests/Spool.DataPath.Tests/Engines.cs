using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.DataPath.Tests;

/// <summary>Short hands over the public engine API used by the tests.</summary>
public static class Engines
{
    public const int SmallBlock = 64 * 1024;

    public static Task<BackupResult> Backup(string source, string drive, IBackupProgressSink? sink = null, Func<BackupRequest, BackupRequest>? edit = null)
    {
        var request = new BackupRequest
        {
            SourcePath = source,
            Drive = DriveSpec.Directory(drive, SmallBlock),
            CheckpointBytes = 256 * 1024,
            CheckpointInterval = TimeSpan.Zero,
        };
        return new BackupEngine().RunAsync(edit?.Invoke(request) ?? request, sink ?? new RecordingSink(), CancellationToken.None);
    }

    public static Task<RestoreResult> Restore(string drive, Guid id, string target, EncryptionKey? key = null, bool allowPartial = false, params string[] paths) =>
        new RestoreEngine().RunAsync(
            new RestoreRequest { Drives = [DriveSpec.Directory(drive)], BackupId = id, TargetPath = target, Encryption = key, AllowPartial = allowPartial, Paths = paths },
            CancellationToken.None);

    public static async Task<VerifyResult> Verify(string drive, Guid id, EncryptionKey? key = null) =>
        (await new VerifyEngine().RunAsync(new VerifyRequest { Drives = [DriveSpec.Directory(drive)], BackupId = id, Encryption = key }, CancellationToken.None))[0];

    public static EncryptionKey Key() => new("test-key", Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
}
