using Spool.Agent.Host.Jobs;
using Spool.Api.V1Alpha1;
using Spool.DataPath;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.Agent.Host.Streaming;

/// <summary>
/// Binds the agent to Spool.DataPath. The restore engine writes into a staging directory inside the target, so that the
/// conflict policy can be applied before anything in the target changes, and a resumed restore can keep the files an
/// earlier epoch already put in place (same size and content).
/// </summary>
public sealed class DataPathEngine(TimeProvider time) : IDataPathEngine
{
    public const string StagingPrefix = ".spool-restore-";

    public async Task<BackupResult> BackupAsync(BackupRequest request, IBackupProgressSink sink, CancellationToken cancellationToken)
    {
        try
        {
            return await new BackupEngine().RunAsync(request, sink, cancellationToken).ConfigureAwait(false);
        }
        catch (BackupFencedException fenced)
        {
            return new BackupResult(fenced.BackupId, BackupOutcome.Fenced, 0, 0, 0, 0, 0, 0, []);
        }
    }

    public async Task<VerifySummary> VerifyAsync(Guid backupId, IReadOnlyList<DriveSpec> drives, EncryptionKey? key, CancellationToken cancellationToken)
    {
        var results = await new VerifyEngine().RunAsync(new VerifyRequest { Drives = drives, BackupId = backupId, Encryption = key }, cancellationToken).ConfigureAwait(false);
        var result = results.FirstOrDefault(r => r.BackupId == backupId);
        if (result is null)
        {
            return new VerifySummary(false, null, 0, 0, [$"backup {backupId} not found on the drives"]);
        }

        var problems = new List<string>();
        if (result.Error is not null)
        {
            problems.Add(result.Error);
        }

        problems.AddRange(result.BadBlocks.Select(b => "bad block " + b));
        problems.AddRange(result.Damaged.Select(d => $"{d.Path}: {d.Reason}"));
        // Members of a redundancy set are only readable together.
        var trailer = DriveCatalog.ListBackups(drives)
            .Where(b => b.BackupId == backupId && b.State == BackupState.Complete && b.Trailer is not null)
            .OrderByDescending(b => b.Epoch)
            .Select(b => b.Trailer)
            .FirstOrDefault();
        return new VerifySummary(result.Ok, trailer?.CatalogSha256, trailer?.Files ?? result.Entries, trailer?.SourceBytes ?? 0, problems)
        {
            DegradedMembers = Degraded(result.Members),
        };
    }

    public async Task<RestoreSummary> RestoreAsync(RestorePlan plan, IRestoreProgress progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(plan.TargetPath);
        var staging = Path.Combine(plan.TargetPath, StagingPrefix + plan.BackupId.ToString("N")[..12]);
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        using var reporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporter = ReportWhileRestoringAsync(staging, plan.CheckpointInterval, progress, reporting.Token);
        RestoreResult result;
        try
        {
            result = await new RestoreEngine().RunAsync(
                new RestoreRequest
                {
                    Drives = plan.Drives,
                    BackupId = plan.BackupId,
                    TargetPath = staging,
                    Paths = plan.Paths ?? [],
                    AllowPartial = plan.AllowPartial,
                    Encryption = plan.Key,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
        finally
        {
            await reporting.CancelAsync().ConfigureAwait(false);
            await reporter.ConfigureAwait(false);
        }

        var failed = result.Damaged.Concat(result.Refused).Select(d => d.Path).Concat(result.BadBlocks.Select(b => "block " + b)).Distinct(StringComparer.Ordinal).ToList();
        if (failed.Count > 0 && !plan.AllowPartial)
        {
            TryDelete(staging);
            throw new RestoreFailedException($"{failed.Count} files failed verification: {string.Join(", ", failed.Take(10))}", failed);
        }

        try
        {
            var merge = new TargetMerge(staging, plan.TargetPath, plan.ConflictPolicy, plan.Resume);
            var conflicts = merge.Conflicts();
            if (conflicts.Count > 0 && plan.ConflictPolicy == ConflictPolicy.Fail)
            {
                throw new AgentFailureException(ReportReasons.TargetConflict, $"{conflicts.Count} restored paths already exist in the target: {string.Join(", ", conflicts.Take(10))}");
            }

            merge.Apply();
        }
        finally
        {
            TryDelete(staging);
        }

        await progress.CheckpointReached(new RestoreCheckpoint(result.Files, result.Bytes, null), cancellationToken).ConfigureAwait(false);
        return new RestoreSummary(result.Files, result.Bytes, failed) { DegradedMembers = Degraded(result.Members) };
    }

    /// <summary>"member 2 (/drives/td-2) Failed: drive is missing" for every member that is not complete.</summary>
    private static List<string> Degraded(IReadOnlyList<Spool.DataPath.Redundancy.MemberReport> members) =>
        members.Where(m => m.Health != Spool.DataPath.Redundancy.MemberHealth.Complete)
            .Select(m => $"member {m.MemberIndex} ({m.Drive}) {m.Health}: {string.Join(", ", m.Problems.Take(3))}")
            .ToList();

    private async Task ReportWhileRestoringAsync(string staging, TimeSpan interval, IRestoreProgress progress, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
                if (!Directory.Exists(staging))
                {
                    continue;
                }

                var (bytes, files) = SourceTotals.Scan(staging, cancellationToken);
                await progress.CheckpointReached(new RestoreCheckpoint(files, bytes, null), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The restore finished or was stopped; a fence surfaces through the restore's own token.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover staging directory is removed by the next restore into the same target.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
