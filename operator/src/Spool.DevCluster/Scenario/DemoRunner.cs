using System.Globalization;
using Spectre.Console;
using Spool.Api.V1Alpha1;
using Spool.DevCluster.Control;
using Spool.DevCluster.Rendering;
using Spool.DevCluster.Workloads;

namespace Spool.DevCluster.Scenario;

/// <summary>
/// <c>make demo</c>: boot 3 nodes and 2 drives, back up a workload's volume, kill the owner node mid-stream, watch the
/// job move to the new owner and resume from its checkpoint, restore into a new volume and prove it byte-identical.
/// </summary>
public static class DemoRunner
{
    public const string Namespace = "default";

    public static async Task<int> RunAsync(DemoOptions options, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var view = new ProgressRenderer(time, options.Interactive);
        var layout = StorageLayout.For(options.Directory);
        if (File.Exists(layout.ControlFile) && (await ControlClient.SendAsync(layout, HttpMethod.Get, "status", cancellationToken)).Ok)
        {
            Console.Error.WriteLine($"spool-dev demo: a cluster is running in {layout.Root}; stop it first or pass another --dir");
            return 2;
        }

        Reset(layout);
        var timings = new List<(string Step, TimeSpan Took)>();
        var started = time.GetTimestamp();
        var step = time.GetTimestamp();
        void Mark(string name)
        {
            timings.Add((name, time.GetElapsedTime(step)));
            step = time.GetTimestamp();
        }

        view.Note($"spool demo: booting 3 nodes, 2 drives, 2 operator replicas and 3 agents in {layout.Root}");
        await using var cluster = await DevCluster.StartAsync(new DevClusterOptions { Directory = layout.Root, Nodes = 3, Drives = 2 }, cancellationToken);
        var story = new BackupStory(cluster);
        Mark("boot cluster");

        var workload = new WorkloadSpec("postgres", Namespace, "2Gi");
        view.Note($"generating {ByteFormat.Bytes(options.DataBytes)} of workload data in claim {workload.ClaimName}");
        var (_, source) = await story.PrepareWorkloadAsync(workload, options.DataBytes, seed: 42, cancellationToken);
        var pod = await cluster.WaitForWorkloadPodAsync(workload, _ => true, TimeSpan.FromSeconds(30), cancellationToken);
        view.Note($"workload {workload.Name}: pod {pod.Metadata.Name} on {pod.Spec.NodeName}, {source.Files} files, {ByteFormat.Bytes(source.Bytes)}");
        Mark("generate data");

        var job = JobTemplates.Backup(cluster.Repository, Namespace, workload.ClaimName, workload.ClaimName, options.CheckpointBytes, options.CheckpointSeconds);
        view.Note($"applying BackupJob {Namespace}/{job.Metadata.Name} (from examples/backupjob.yaml; checkpoint every {ByteFormat.Bytes(options.CheckpointBytes)} or {options.CheckpointSeconds} s)");
        await using var history = await story.StartBackupAsync(job, cancellationToken);
        var backupStarted = time.GetTimestamp();

        string? killed = null;
        long killedAtEpoch = 0;
        long killTimestamp = 0;
        var killTime = DateTimeOffset.MinValue;
        var announcedHandover = false;
        using var deadline = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await view.RunAsync("backup", history, source.Bytes, async (latest, ct) =>
            {
                if (latest is null)
                {
                    return false;
                }

                if (latest.Phase == BackupPhase.Failed)
                {
                    throw new InvalidOperationException("the BackupJob failed: " + Scenario.JobHistory.Describe(latest));
                }

                if (BackupStory.IsDone(latest))
                {
                    if (killed is null)
                    {
                        throw new InvalidOperationException($"the backup finished before {options.KillAt:P0} could be observed, so no node was killed; run with a larger --size");
                    }

                    return true;
                }

                if (killed is null && latest.Phase == BackupPhase.Running && latest.Node is { } owner
                    && latest.Status.Progress is { } p && p.Epoch == latest.Epoch && p.BytesDone >= options.KillAt * source.Bytes)
                {
                    killed = owner;
                    killedAtEpoch = latest.Epoch;
                    killTimestamp = time.GetTimestamp();
                    killTime = time.GetUtcNow();
                    await cluster.KillNodeAsync(owner, ct);
                    view.Note($"!! killed {owner} (kill -9 of its agent, heartbeats stopped) at {ByteFormat.Bytes(p.BytesDone)}; last checkpoint {ByteFormat.Bytes(latest.Status.Checkpoint?.BytesDone ?? 0)} (seq {latest.Status.Checkpoint?.Sequence})");
                }

                if (killed is not null && !announcedHandover && latest.Epoch > killedAtEpoch && latest.Node is { } next && latest.Phase == BackupPhase.Running)
                {
                    announcedHandover = true;
                    var attempt = latest.Status.Attempts?.LastOrDefault(a => a.Epoch == killedAtEpoch);
                    view.Note($">> job moved to {next}: epoch {killedAtEpoch} -> {latest.Epoch}, attempts {latest.Status.Attempts?.Count}, " +
                        $"resuming from checkpoint at {ByteFormat.Bytes(latest.Status.ResumeFrom?.BytesDone ?? 0)} (seq {latest.Status.ResumeFrom?.Sequence}); " +
                        $"epoch {killedAtEpoch} ended: {attempt?.Reason ?? "?"}, {ByteFormat.Seconds(time.GetElapsedTime(killTimestamp))} after the kill");
                }

                return false;
            }, linked.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Console.Error.WriteLine($"spool-dev demo: FAILED: the backup did not finish within {options.Timeout.TotalMinutes} min; latest: {(history.Latest is { } l ? Scenario.JobHistory.Describe(l) : "none")}");
            Console.Error.WriteLine($"logs: {layout.LogDirectory}");
            return 1;
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"spool-dev demo: FAILED: {ex.Message}");
            Console.Error.WriteLine($"logs: {layout.LogDirectory}");
            return 1;
        }

        var backupTook = time.GetElapsedTime(backupStarted);
        Mark("backup (with failover)");
        var final = history.Latest!;
        var handovers = history.Handovers();
        var violations = history.SafetyViolations();
        var resentByOperator = final.Status.Attempts?.Sum(a => a.BytesResent) ?? 0;
        var resentObserved = handovers.Sum(h => h.ObservedBytesResent);
        var killHandover = handovers.FirstOrDefault(h => h.FromEpoch >= killedAtEpoch && h.ToNode is not null && h.ToNode != killed);
        var resumedAt = handovers.Where(h => h.FromEpoch >= killedAtEpoch && h.StreamingAt is not null).Select(h => h.StreamingAt).FirstOrDefault();
        view.Note($"backup {final.Phase}: {ByteFormat.Bytes(final.Status.Catalog?.Bytes ?? final.Status.Progress?.BytesDone ?? 0)}, backup id {final.Status.BackupId}, catalog verified: {final.Status.Catalog?.Verified}");
        view.Note($"bytes re-sent after the failover: {ByteFormat.Bytes(resentByOperator)} (operator's attempts), {ByteFormat.Bytes(resentObserved)} (past the resume checkpoint, as reported); checkpoint interval {ByteFormat.Bytes(options.CheckpointBytes)}");

        var target = new WorkloadSpec("postgres-restored", Namespace, "2Gi");
        view.Note($"restoring {job.Metadata.Name} into a new volume (claim {target.ClaimName}) with a RestoreJob from examples/restorejob.yaml");
        RestoreOutcome restore;
        try
        {
            restore = await story.RestoreAndVerifyAsync(Namespace, job.Metadata.Name!, source, target, TimeSpan.FromMinutes(5), linked.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            Console.Error.WriteLine($"spool-dev demo: FAILED: restore: {ex.Message}");
            return 1;
        }

        Mark("restore + verify");
        var table = new Table().Title("spool demo summary").AddColumn("").AddColumn("");
        var rows = new List<(string, string)>();
        void Row(string key, string value)
        {
            rows.Add((key, value));
            table.AddRow(Markup.Escape(key), Markup.Escape(value));
        }

        Row("data", $"{source.Files} files, {ByteFormat.Bytes(source.Bytes)}");
        foreach (var (name, took) in timings)
        {
            Row(name, ByteFormat.Seconds(took));
        }

        Row("backup rate", ByteFormat.Bytes(source.Bytes / Math.Max(0.001, backupTook.TotalSeconds)) + "/s (wall clock, failover included)");
        Row("failovers", handovers.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var h in handovers)
        {
            Row($"  epoch {h.FromEpoch} -> {h.ToEpoch}", $"{h.FromNode} -> {h.ToNode}, resumed from {ByteFormat.Bytes(h.ResumeFromBytes)}{(h.Fresh ? " (fresh start)" : "")}");
        }

        if (killHandover is not null)
        {
            Row("kill -> new owner assigned", ByteFormat.Seconds(killHandover.AssignedAt - killTime));
            if (resumedAt is { } resumed)
            {
                Row("kill -> streaming resumed", ByteFormat.Seconds(resumed - killTime));
            }
        }

        Row("bytes re-sent", $"{ByteFormat.Bytes(resentByOperator)} (operator), {ByteFormat.Bytes(resentObserved)} (observed); interval {ByteFormat.Bytes(options.CheckpointBytes)}");
        Row("single writer", violations.Count == 0 ? "yes: one node per epoch, no stale write accepted" : $"NO: {violations.Count} violations");
        Row("verification", restore.Identical
            ? $"byte-identical: {restore.Restored.Files} files, SHA-256 and metadata match (restored on {restore.Node})"
            : $"MISMATCH: {restore.Differences.Count} differences");
        Row("total", ByteFormat.Seconds(time.GetElapsedTime(started)));
        if (view.Interactive)
        {
            AnsiConsole.Write(table);
        }
        else
        {
            Console.WriteLine("spool demo summary");
            foreach (var (key, value) in rows)
            {
                Console.WriteLine($"  {key}: {value}");
            }
        }

        var ok = restore.Identical && violations.Count == 0 && handovers.Count >= 1 && resentByOperator <= options.CheckpointBytes && resentObserved <= options.CheckpointBytes;
        foreach (var difference in restore.Differences.Take(20))
        {
            Console.Error.WriteLine("  " + difference);
        }

        foreach (var violation in violations)
        {
            Console.Error.WriteLine("  " + violation);
        }

        if (!ok)
        {
            Console.Error.WriteLine("spool-dev demo: FAILED: " + (handovers.Count == 0 ? "the job never moved to another node" : !restore.Identical ? "the restore differs from the source" : violations.Count > 0 ? "the job history shows two writers" : "more than one checkpoint interval was re-sent"));
            return 1;
        }

        Console.WriteLine("spool-dev demo: OK");
        if (options.Keep)
        {
            await using var control = await ControlServer.StartAsync(cluster, cancellationToken);
            Console.WriteLine($"the cluster stays up (Ctrl+C to stop): {cluster.KubectlHint} get bj,rj,td,nodes,pods -A");
            Console.WriteLine($"faults: dotnet {typeof(DemoRunner).Assembly.Location} fault --help (with --dir {layout.Root})");
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return 0;
    }

    /// <summary>A demo starts from nothing; only a directory that looks like a spool-dev one is cleared.</summary>
    private static void Reset(StorageLayout layout)
    {
        if (!Directory.Exists(layout.Root))
        {
            return;
        }

        var ours = Directory.Exists(layout.StateDirectory) || File.Exists(layout.Kubeconfig) || Directory.Exists(layout.NodesDirectory);
        if (!ours && Directory.EnumerateFileSystemEntries(layout.Root).Any())
        {
            throw new InvalidOperationException($"{layout.Root} exists and is not a spool-dev directory; pass another --dir");
        }

        Directory.Delete(layout.Root, recursive: true);
    }
}
