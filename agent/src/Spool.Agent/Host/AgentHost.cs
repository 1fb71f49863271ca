using Spool.Agent.Host.Fencing;
using Spool.Agent.Host.Heartbeat;
using Spool.Agent.Host.Jobs;
using Spool.Agent.Host.Reclaim;
using Spool.Agent.Host.Streaming;
using Spool.Agent.Host.Watching;
using Spool.Api.V1Alpha1;

namespace Spool.Agent.Host;

/// <summary>
/// The agent of one node: renews the node Lease, watches the BackupJobs and RestoreJobs labelled for the node and all
/// TapeDrives, runs one stream per (job, epoch), fences streams on any sign that the job was taken away, and deletes the
/// tape files of expired backups on the directory drives it reaches (<see cref="DriveReclaimer"/>).
/// </summary>
/// <remarks>
/// On start, every job found Running on this node with no report for its epoch is handed back
/// (<c>report.outcome: HandedBack, reason: AgentRestarted</c>) rather than continued in place: the previous process may
/// have written blocks past the last acknowledged checkpoint into the same segment, and a new epoch gives the operator
/// one decision point to re-claim the drives, start a new segment and resume from the checkpoint (usually on this very
/// node). The same holds for a stream stopped because the node Lease could not be renewed (reason LeaseLost): once the
/// Lease is renewed again and the job is still ours, it is handed back, never silently continued.
/// </remarks>
public sealed class AgentHost
{
    private readonly AgentContext _context;
    private readonly LeaseHeartbeat _heartbeat;
    private readonly ResourceWatch<BackupJob> _backups;
    private readonly ResourceWatch<RestoreJob> _restores;
    private readonly ResourceWatch<TapeDrive> _drives;
    private readonly Lock _gate = new();
    private readonly Dictionary<(JobKind Kind, string Key), StreamHandle> _running = [];
    private readonly HashSet<(JobKind Kind, string Key, long Epoch)> _done = [];
    private readonly HashSet<(JobKind Kind, string Key, long Epoch)> _handBack = [];
    private readonly Dictionary<(JobKind Kind, string Key, long Epoch), string> _handBackReason = [];
    private readonly HashSet<(JobKind Kind, string Key, long Epoch)> _handBackInFlight = [];
    private readonly List<Task> _background = [];
    private bool _backupsSynced;
    private bool _restoresSynced;
    private bool _drivesSynced;
    private CancellationToken _stopping;
    private CancellationToken _hardStop;
    private string _stopReason = ReportReasons.AgentShutdown;

    public AgentHost(AgentContext context)
    {
        _context = context;
        var selector = $"{SpoolGroup.NodeLabel}={context.Options.NodeName}";
        _heartbeat = new LeaseHeartbeat(context.Client, context.Options, context.Time, context.Log);
        _backups = new ResourceWatch<BackupJob>(context.Client, null, selector, context.Time, context.Log, context.Options.ResyncInterval);
        _restores = new ResourceWatch<RestoreJob>(context.Client, null, selector, context.Time, context.Log, context.Options.ResyncInterval);
        _drives = new ResourceWatch<TapeDrive>(context.Client, null, null, context.Time, context.Log, context.Options.ResyncInterval);
    }

    public LeaseHeartbeat Heartbeat => _heartbeat;

    /// <summary>Streams running now, for health output and tests.</summary>
    public int RunningStreams
    {
        get
        {
            lock (_gate)
            {
                return _running.Count;
            }
        }
    }

    /// <summary>Runs until <paramref name="stopping"/>; then stops every stream at its last checkpoint and hands it back.</summary>
    /// <param name="hardStop">Abandons even the hand-back writes.</param>
    public async Task RunAsync(CancellationToken stopping, CancellationToken hardStop)
    {
        _stopping = stopping;
        _hardStop = hardStop;
        var options = _context.Options;
        _context.Log.Info("Agent starting", "node", options.NodeName, "namespace", options.Namespace, "identity", options.Identity, "kubeletRoot", options.KubeletRoot, "driveRootPrefix", options.DriveRootPrefix, "leaseDuration", options.LeaseDuration, "leaseRenew", options.LeaseRenewInterval);
        _heartbeat.LeaseLost += OnLeaseLost;
        _heartbeat.Renewed += Evaluate;
        _backups.Changed += first => OnSynced(ref _backupsSynced, first, JobKind.Backup);
        _restores.Changed += first => OnSynced(ref _restoresSynced, first, JobKind.Restore);
        _drives.Changed += first => OnSynced(ref _drivesSynced, first, null);

        using var watchStop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var tasks = new List<Task>
        {
            _heartbeat.RunAsync(stopping),
            _drives.RunAsync(watchStop.Token),
            _backups.RunAsync(watchStop.Token),
            _restores.RunAsync(watchStop.Token),
            new DriveReclaimer(_context).RunAsync(watchStop.Token),
        };
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _context.Time, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _context.Log.Info("Agent stopping, handing running jobs back", "streams", RunningStreams);
        Task[] streams;
        lock (_gate)
        {
            streams = [.. _running.Values.Select(h => h.Completion), .. _background];
        }

        await Task.WhenAll(streams).WaitAsync(hardStop).ConfigureAwait(false);
        await Task.WhenAll(tasks).ConfigureAwait(false);
        _context.Log.Info("Agent stopped", "bytesStreamed", _context.Metrics.BytesStreamed);
    }

    private void OnSynced(ref bool synced, bool first, JobKind? kind)
    {
        lock (_gate)
        {
            if (first && kind is { } jobKind)
            {
                MarkStartupHandBacks(jobKind);
            }

            var before = _backupsSynced && _restoresSynced && _drivesSynced;
            synced = synced || first;
            if (!before && _backupsSynced && _restoresSynced && _drivesSynced)
            {
                _context.Log.Info("Watches synced", "backupJobs", _backups.Items().Count, "restoreJobs", _restores.Items().Count, "tapeDrives", _drives.Items().Count, "handBacks", _handBack.Count);
            }
        }

        Evaluate();
    }

    /// <summary>In-flight jobs found by the first list of a fresh process: hand back, never continue in place.</summary>
    private void MarkStartupHandBacks(JobKind kind)
    {
        var snapshots = kind == JobKind.Backup
            ? _backups.Items().Select(JobSnapshot.Of)
            : _restores.Items().Select(JobSnapshot.Of);
        foreach (var job in snapshots)
        {
            var key = (job.Kind, job.Key, job.Epoch);
            if (StartDecider.IsInFlightOn(job, _context.Options.NodeName) && !_running.ContainsKey((job.Kind, job.Key)) && !_done.Contains(key))
            {
                _handBack.Add(key);
                _handBackReason[key] = ReportReasons.AgentRestarted;
            }
        }
    }

    private void OnLeaseLost()
    {
        lock (_gate)
        {
            foreach (var handle in _running.Values)
            {
                var key = (handle.Kind, handle.Key, handle.Epoch);
                if (handle.Fence.Trip(FenceDecision.Fence(FenceReasons.LeaseLost, "the node lease was not renewed within its duration")))
                {
                    _context.Log.Warning("Fenced", "job", handle.Key, "epoch", handle.Epoch, "reason", FenceReasons.LeaseLost);
                    _context.Metrics.StreamFenced();
                    _handBack.Add(key);
                    _handBackReason[key] = ReportReasons.LeaseLost;
                }
            }
        }
    }

    /// <summary>Decides, for every known job, whether to start, fence or hand back. Serialised; never blocks on I/O.</summary>
    public void Evaluate()
    {
        lock (_gate)
        {
            if (!_drivesSynced)
            {
                return;
            }

            var node = _context.Options.NodeName;
            var seen = new HashSet<(JobKind, string)>();
            var jobs = new List<(JobSnapshot Snapshot, object Job)>();
            if (_backupsSynced)
            {
                jobs.AddRange(_backups.Items().Select(j => (JobSnapshot.Of(j), (object)j)));
            }

            if (_restoresSynced)
            {
                jobs.AddRange(_restores.Items().Select(j => (JobSnapshot.Of(j), (object)j)));
            }

            foreach (var (job, raw) in jobs)
            {
                var id = (job.Kind, job.Key);
                seen.Add(id);
                if (_running.TryGetValue(id, out var handle))
                {
                    var decision = FencingDecider.Decide(handle.Epoch, node, job, DriveLookup);
                    if (decision.Fenced && handle.Fence.Trip(decision))
                    {
                        _context.Log.Warning("Fenced", "job", job.Key, "kind", job.KindName, "epoch", handle.Epoch, "reason", decision.Reason, "detail", decision.Message, "via", "Watch");
                        _context.Metrics.StreamFenced();
                    }

                    continue;
                }

                if (!StartDecider.IsInFlightOn(job, node))
                {
                    continue;
                }

                var epochKey = (job.Kind, job.Key, job.Epoch);
                if (_handBack.Contains(epochKey))
                {
                    if (_heartbeat.IsHealthy && !_stopping.IsCancellationRequested && _handBackInFlight.Add(epochKey))
                    {
                        _background.Add(HandBackAsync(raw, job, _handBackReason.GetValueOrDefault(epochKey, ReportReasons.AgentRestarted)));
                    }

                    continue;
                }

                if (_done.Contains(epochKey) || _stopping.IsCancellationRequested || !_heartbeat.IsHealthy)
                {
                    continue;
                }

                if (StartDecider.ShouldStart(job, node, DriveLookup))
                {
                    Start(job, raw);
                }
            }

            if (_backupsSynced && _restoresSynced)
            {
                foreach (var (id, handle) in _running)
                {
                    if (!seen.Contains(id) && handle.Fence.Trip(FenceDecision.Fence(FenceReasons.JobDeleted, "the job is gone or no longer labelled for this node")))
                    {
                        _context.Log.Warning("Fenced", "job", handle.Key, "epoch", handle.Epoch, "reason", FenceReasons.JobDeleted, "via", "Watch");
                        _context.Metrics.StreamFenced();
                    }
                }
            }

            _background.RemoveAll(t => t.IsCompleted);
        }
    }

    private TapeDrive? DriveLookup(string name) => _drives.Get(name);

    private void Start(JobSnapshot job, object raw)
    {
        var fence = new FenceSignal();
        var handle = new StreamHandle(job.Kind, job.Key, job.Epoch, fence);
        _running[(job.Kind, job.Key)] = handle;
        _context.Log.Info("Taking up job", "job", job.Key, "kind", job.KindName, "epoch", job.Epoch, "drives", job.ActiveDrives.Select(d => d.Name).ToList());
        handle.Completion = Task.Run(async () =>
        {
            try
            {
                if (raw is BackupJob backup)
                {
                    await new BackupRunner(_context).RunAsync(backup, fence, _stopping, () => _stopReason, _hardStop).ConfigureAwait(false);
                }
                else
                {
                    await new RestoreRunner(_context).RunAsync((RestoreJob)raw, fence, _stopping, () => _stopReason, _hardStop).ConfigureAwait(false);
                }
            }
            catch (Exception error)
            {
                _context.Log.Error(error, "Stream ended with an unexpected error", "job", job.Key, "epoch", job.Epoch);
            }
            finally
            {
                lock (_gate)
                {
                    _running.Remove((job.Kind, job.Key));
                    _done.Add((job.Kind, job.Key, job.Epoch));
                }

                fence.Dispose();
                Evaluate();
            }
        });
    }

    private async Task HandBackAsync(object raw, JobSnapshot job, string reason)
    {
        var epochKey = (job.Kind, job.Key, job.Epoch);
        using var fence = new FenceSignal();
        var log = _context.Log.With("job", job.Key, "kind", job.KindName, "epoch", job.Epoch);
        var report = new AgentReport
        {
            Epoch = job.Epoch,
            Node = _context.Options.NodeName,
            Outcome = ReportOutcomes.HandedBack,
            Reason = reason,
            Message = reason == ReportReasons.AgentRestarted
                ? "the agent restarted; the job continues from its last checkpoint under a new epoch"
                : "the agent lost its node lease and stopped the stream; the job continues from its last checkpoint under a new epoch",
            Time = _context.Time.GetUtcNow(),
        };
        try
        {
            var outcome = raw is BackupJob backup
                ? await new JobStatusWriter<BackupJob>(_context.Client, BackupJobAdapter.Instance, backup, _context.Options.NodeName, fence, _context.Time, _context.Options.WriteRetryDelay, log)
                    .WriteAsync(new AgentWrite { Report = report }, _hardStop).ConfigureAwait(false)
                : await new JobStatusWriter<RestoreJob>(_context.Client, RestoreJobAdapter.Instance, (RestoreJob)raw, _context.Options.NodeName, fence, _context.Time, _context.Options.WriteRetryDelay, log)
                    .WriteAsync(new AgentWrite { Report = report }, _hardStop).ConfigureAwait(false);
            log.Info(outcome == WriteOutcome.Written ? "Handed job back" : "Job already taken over, nothing to hand back", "reason", reason);
        }
        catch (Exception error)
        {
            log.Error(error, "Hand-back failed", "reason", reason);
        }
        finally
        {
            lock (_gate)
            {
                _handBackInFlight.Remove(epochKey);
                _handBack.Remove(epochKey);
                _done.Add(epochKey);
            }
        }
    }
}
