using Spool.DataPath.Drives;
using Spool.DataPath.Redundancy;

namespace Spool.DataPath.Tests.Redundancy;

/// <summary>Backups over redundancy sets of small-block directory drives, and the damage the tests do to their members.</summary>
public static class RedundancyFixture
{
    public const int Block = 4096;

    public static string[] Members(TempDir tmp, int count) => Enumerable.Range(0, count).Select(i => tmp.Sub($"member-{i}")).ToArray();

    public static Task<BackupResult> Backup(string source, RedundancyMode mode, string[] members, IBackupProgressSink? sink = null, Func<BackupRequest, BackupRequest>? edit = null)
    {
        var request = new BackupRequest
        {
            SourcePath = source,
            Drive = DriveSpec.Directory(members[0], Block),
            Redundancy = new RedundancySet(mode, members.Select(m => DriveSpec.Directory(m, Block)).ToList()),
            CheckpointBytes = 54 * 1024, // cut about every 40 KiB (a quarter early): runs longer than the widest stripe, 8 × 4 KiB
            CheckpointInterval = TimeSpan.Zero,
        };
        return new BackupEngine().RunAsync(edit?.Invoke(request) ?? request, sink ?? new RecordingSink(), CancellationToken.None);
    }

    public static Task<RestoreResult> Restore(string[] members, Guid id, string target) =>
        new RestoreEngine().RunAsync(new RestoreRequest { Drives = members.Select(m => DriveSpec.Directory(m)).ToList(), BackupId = id, TargetPath = target }, CancellationToken.None);

    public static async Task<VerifyResult> Verify(string[] members, Guid id) =>
        (await new VerifyEngine().RunAsync(new VerifyRequest { Drives = members.Select(m => DriveSpec.Directory(m)).ToList(), BackupId = id }, CancellationToken.None))[0];

    /// <summary>Damages up to <paramref name="count"/> data or parity blocks of one member: the CRC catches damaged data, the parity scrub damaged parity.</summary>
    public static int CorruptBlocks(string member, int count, Random random)
    {
        var candidates = new List<(string File, long Offset)>();
        foreach (var f in Directory.GetFiles(member, "*.tape", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(f);

            // Block 0 is the member header and the last one the run's end marker; the rest are data or parity.
            for (long o = Block; o + Block < bytes.Length; o += Block)
            {
                candidates.Add((f, o));
            }
        }

        var chosen = candidates.OrderBy(_ => random.Next()).Take(count).ToList();
        foreach (var (file, offset) in chosen)
        {
            using var fs = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
            fs.Position = offset + 32; // the sequence number: covered by the CRC
            var b = fs.ReadByte();
            fs.Position = offset + 32;
            fs.WriteByte((byte)(b ^ 0x5a));
        }

        return chosen.Count;
    }
}
