using System.CommandLine;
using System.Globalization;
using Spool.DataPath;
using Spool.DataPath.Format;

namespace Spool.Agent.Cli;

/// <summary><c>backup ls</c> and <c>backup create</c>.</summary>
internal static class BackupCommand
{
    public static Command Create()
    {
        var cmd = new Command("backup", "List and create backups");
        cmd.Subcommands.Add(List());
        cmd.Subcommands.Add(CreateBackup());
        return cmd;
    }

    private static Command List()
    {
        var drive = CliOptions.Drives("Drive to list.");
        var ls = new Command("ls", "List the backups on one or more drives");
        ls.Options.Add(drive);
        ls.SetAction((parse, ct) => CliOptions.Guard(() =>
        {
            var backups = new List<BackupSummary>();
            foreach (var d in parse.GetRequiredValue(drive))
            {
                backups.AddRange(DriveCatalog.ListBackups(CliOptions.Spec(d)));
            }

            // Members of a parity or mirror set hold no whole tape file of their own: they list only as their set.
            backups.AddRange(DriveCatalog.ListBackups(parse.GetRequiredValue(drive).Select(d => CliOptions.Spec(d)).ToList()));

            Console.WriteLine("BACKUP                                STATE       EPOCH  ENTRIES       BYTES  STARTED                    BASE");
            foreach (var b in backups.DistinctBy(b => b.BackupId))
            {
                var t = b.Trailer;
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{b.BackupId}  {b.State.ToString().ToLowerInvariant(),-10}  {b.Epoch,5}  {t?.Entries,7}  {t?.SourceBytes,10}  {t?.StartedAt.ToString("u", CultureInfo.InvariantCulture),-25}  {t?.IncrementalFrom}"));
            }

            return Task.FromResult(ExitCodes.Ok);
        }));
        return ls;
    }

    private static Command CreateBackup()
    {
        var source = new Option<string>("--source") { Description = "Directory to back up.", Required = true };
        var drive = CliOptions.Drives("Drive to write to (the first); further drives hold earlier segments or the incremental base.");
        var checkpointFile = new Option<string?>("--checkpoint-file") { Description = "Store every checkpoint here (atomically) once its data is durable." };
        var resume = new Option<string?>("--resume") { Description = "Continue the backup from the checkpoint stored in this file." };
        var checkpointBytes = new Option<long>("--checkpoint-bytes") { Description = "Checkpoint every N bytes of stream (0 = off).", DefaultValueFactory = _ => BackupRequest.DefaultCheckpointBytes };
        var checkpointSeconds = new Option<double>("--checkpoint-seconds") { Description = "Checkpoint at least every S seconds (0 = off).", DefaultValueFactory = _ => 10 };
        var compression = new Option<string>("--compression") { Description = "none, deflate or brotli.", DefaultValueFactory = _ => "none" };
        compression.AcceptOnlyFromAmong("none", "deflate", "brotli");
        var keyFile = CliOptions.KeyFile();
        var keyId = CliOptions.KeyId();
        var incremental = new Option<string?>("--incremental-from") { Description = "Backup id to compare against; only changed files are stored." };
        var blockSize = new Option<int?>("--block-size") { Description = "Block size in bytes for a new drive (default 262144)." };
        var capacity = new Option<long?>("--medium-capacity") { Description = "Capacity of each medium of a new directory drive, in bytes." };
        var epoch = new Option<long?>("--epoch") { Description = "Writer epoch (default 1, or the checkpoint's + 1 when resuming)." };
        var label = new Option<string?>("--label") { Description = "Free-form label stored with the backup." };
        var backupId = new Option<string?>("--backup-id") { Description = "Id for the new backup (default: random)." };
        var verbose = new Option<bool>("--verbose") { Description = "Print progress to stderr." };
        var rateLimit = new Option<long>("--rate-limit") { Description = "Limit drive writes to N bytes per second (0 = unlimited)." };
        var redundancy = new Option<string>("--redundancy") { Description = "none, parity (the --drive list is k+1 members, 2 <= k <= 8) or mirror (every --drive holds a copy).", DefaultValueFactory = _ => "none" };
        redundancy.AcceptOnlyFromAmong("none", "parity", "mirror");

        var create = new Command("create", "Back up a directory to a drive");
        foreach (var o in new Option[] { source, drive, checkpointFile, resume, checkpointBytes, checkpointSeconds, compression, keyFile, keyId, incremental, blockSize, capacity, epoch, label, backupId, verbose, rateLimit, redundancy })
        {
            create.Options.Add(o);
        }

        create.SetAction((parse, ct) => CliOptions.Guard(async () =>
        {
            var drives = parse.GetRequiredValue(drive);
            Checkpoint? from = null;
            if (parse.GetValue(resume) is { } resumeFile)
            {
                from = await CheckpointFile.LoadAsync(resumeFile, ct).ConfigureAwait(false);
            }

            var key = CliOptions.LoadKey(parse.GetValue(keyFile), parse.GetValue(keyId));
            var compressionKind = parse.GetValue(compression) switch
            {
                "deflate" => CompressionKind.Deflate,
                "brotli" => CompressionKind.Brotli,
                _ => CompressionKind.None,
            };
            var request = new BackupRequest
            {
                SourcePath = parse.GetRequiredValue(source),
                Drive = CliOptions.Spec(drives[0], parse.GetValue(blockSize), parse.GetValue(capacity)),
                OtherDrives = drives.Skip(1).Select(d => CliOptions.Spec(d)).ToList(),
                BackupId = parse.GetValue(backupId) is { } id ? CliOptions.ParseBackupId(id) : Guid.NewGuid(),
                Epoch = parse.GetValue(epoch) ?? (from is null ? 1 : from.Epoch + 1),
                Compression = from?.Compression ?? compressionKind,
                Encryption = key,
                CheckpointBytes = parse.GetValue(checkpointBytes),
                CheckpointInterval = TimeSpan.FromSeconds(parse.GetValue(checkpointSeconds)),
                ResumeFrom = from,
                IncrementalFrom = from?.IncrementalFrom ?? (parse.GetValue(incremental) is { } inc ? CliOptions.ParseBackupId(inc) : null),
                Label = from?.Label ?? parse.GetValue(label),
                RateLimitBytesPerSecond = parse.GetValue(rateLimit),
            };
            var mode = parse.GetValue(redundancy) switch
            {
                "parity" => Spool.DataPath.Redundancy.RedundancyMode.Parity,
                "mirror" => Spool.DataPath.Redundancy.RedundancyMode.Mirror,
                _ => Spool.DataPath.Redundancy.RedundancyMode.None,
            };
            if (mode != Spool.DataPath.Redundancy.RedundancyMode.None)
            {
                // Every --drive is a member of the set; none holds earlier segments on its own.
                request = request with
                {
                    Redundancy = new Spool.DataPath.Redundancy.RedundancySet(mode, drives.Select(d => CliOptions.Spec(d, parse.GetValue(blockSize), parse.GetValue(capacity))).ToList()),
                    OtherDrives = [],
                };
            }

            var stored = parse.GetValue(checkpointFile) is { } storedPath ? new CheckpointFile(storedPath) : null;
            var result = await new BackupEngine().RunAsync(request, new CheckpointFileSink(stored, parse.GetValue(verbose)), ct).ConfigureAwait(false);
            stored?.RemoveScratch();

            if (result.Outcome == BackupOutcome.Fenced)
            {
                await Console.Error.WriteLineAsync($"error: backup {result.BackupId} is owned by a newer epoch; stopped").ConfigureAwait(false);
                return ExitCodes.Fenced;
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"backup {result.BackupId} completed: {result.Entries} entries, {result.Files} files, {result.SourceBytes} source bytes, {result.DriveBytes} drive bytes, {result.Checkpoints} checkpoints, {result.Warnings.Count} warnings"));
            return ExitCodes.Ok;
        }));
        return create;
    }
}
