using Spool.DataPath.Drives;
using Spool.DataPath.Redundancy;

namespace Spool.DataPath;

/// <summary>
/// Checks a backup without restoring: every block of every segment in the chain (CRC or GCM tag, identity, sequence, epoch),
/// then every member against its content hash, naming the files that damage affects; parity sets are scrubbed too.
/// </summary>
public sealed class VerifyEngine
{
    public async Task<IReadOnlyList<VerifyResult>> RunAsync(VerifyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var drives = RedundantDrive.OpenForReading(request.Drives);
        try
        {
            // Without an id, only finished backups are checked; an interrupted one has no catalog to verify against yet.
            var ids = request.BackupId is { } one ? [one] : DriveCatalog.ListBackups(drives).Where(b => b.State == BackupState.Complete).Select(b => b.BackupId).ToList();
            var results = new List<VerifyResult>();
            foreach (var id in ids)
            {
                results.Add(await VerifyOneAsync(drives, id, request, cancellationToken).ConfigureAwait(false));
            }

            foreach (var set in drives.OfType<RedundantDrive>())
            {
                set.ScrubParity(cancellationToken);
            }

            var members = RedundantDrive.Reports(drives);
            results = results.Select(r => r with { Members = members }).ToList();

            return results;
        }
        finally
        {
            drives.ForEach(d => d.Dispose());
        }
    }

    private static async Task<VerifyResult> VerifyOneAsync(List<IDrive> drives, Guid id, VerifyRequest request, CancellationToken ct)
    {
        var bad = new List<string>();
        long blocks = 0;
        try
        {
            using (var reader = ArchiveReader.Open(drives, id, request.Encryption))
            {
                var block = new byte[reader.BlockSize];
                foreach (var seg in reader.Trailer.Chain)
                {
                    for (var seq = seg.FirstSequence; seq < seg.EndSequence; seq++)
                    {
                        ct.ThrowIfCancellationRequested();
                        blocks++;
                        if (!reader.TryReadBlock(seq, block, out _, out var error))
                        {
                            bad.Add(error!);
                        }
                    }
                }
            }

            using var session = new RestoreSession(drives, id, null, [], allowPartial: true, request.Encryption, ownership: false);
            var r = await session.RunAsync(ct).ConfigureAwait(false);
            return new VerifyResult(id, blocks, r.Entries, bad, [.. r.Damaged, .. r.Refused], null);
        }
        catch (ArchiveException e)
        {
            return new VerifyResult(id, blocks, 0, bad, [], e.Message);
        }
    }
}
