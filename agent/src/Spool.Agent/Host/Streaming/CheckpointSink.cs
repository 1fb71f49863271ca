using Spool.Agent.Host.Fencing;
using Spool.Agent.Host.Jobs;
using Spool.Agent.Host.Logging;
using Spool.Agent.Host.Progress;
using Spool.Api.V1Alpha1;
using Spool.DataPath;

namespace Spool.Agent.Host.Streaming;

/// <summary>
/// Receives the engine's checkpoints and stores each in the job status before returning, which is what acknowledges it
/// to the engine. A fenced write throws, so the engine stops without writing past the last acknowledged checkpoint.
/// </summary>
public sealed class CheckpointSink : IBackupProgressSink
{
    private readonly JobStatusWriter<BackupJob> _writer;
    private readonly FenceSignal _fence;
    private readonly AgentContext _context;
    private readonly AgentLog _log;
    private readonly ProgressTracker _tracker;
    private readonly WarningList _warnings;
    private readonly Func<(long Bytes, long Files)?> _totals;
    private readonly CancellationToken _hardStop;
    private readonly int _stripeBlocks;
    private long _sequence;
    private long _lastDriveBytes;
    private BackupProgress? _latest;

    public CheckpointSink(JobStatusWriter<BackupJob> writer, FenceSignal fence, AgentContext context, AgentLog log, WarningList warnings, Func<(long Bytes, long Files)?> totals, long lastSequence, long driveBytesAtStart, int stripeBlocks, CancellationToken hardStop)
    {
        _stripeBlocks = stripeBlocks;
        _writer = writer;
        _fence = fence;
        _context = context;
        _log = log;
        _warnings = warnings;
        _totals = totals;
        _sequence = lastSequence;
        _lastDriveBytes = driveBytesAtStart;
        _hardStop = hardStop;
        _tracker = new ProgressTracker(writer.Epoch);
    }

    public int Acknowledged { get; private set; }

    public long LastSequence => Interlocked.Read(ref _sequence);

    public long LastDriveBytes => _lastDriveBytes;

    public BackupProgress? Latest => Volatile.Read(ref _latest);

    public void Progress(BackupProgress progress) => Volatile.Write(ref _latest, progress);

    public void Warning(BackupWarning warning)
    {
        _log.Warning("Backup warning", "kind", warning.Kind.ToString(), "path", warning.Path, "detail", warning.Message);
        _warnings.Add($"{warning.Kind}: {warning.Path}: {warning.Message}");
    }

    public async ValueTask CheckpointReached(Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        // Shutdown must not interrupt the write of a checkpoint the drive already holds: only the fence or a hard stop do.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_fence.Token, _hardStop);
        var now = _context.Time.GetUtcNow();
        var data = CheckpointCodec.Serialize(checkpoint);
        var sequence = _sequence + 1;
        var totals = _totals();
        var record = new CheckpointRecord
        {
            Epoch = _writer.Epoch,
            Node = _context.Options.NodeName,
            Sequence = sequence,
            BytesDone = checkpoint.SourceBytesDone,
            FilesDone = checkpoint.Catalog.Entries,
            Stripe = _stripeBlocks > 0 ? checkpoint.NextSequence / _stripeBlocks : null,
            Data = data,
            Digest = CheckpointCodec.Digest(data),
            Time = now,
        };
        var progress = _tracker.Update(now, checkpoint.SourceBytesDone, checkpoint.Catalog.Entries, totals?.Bytes, totals?.Files);
        WriteOutcome outcome;
        try
        {
            outcome = await _writer.WriteAsync(new AgentWrite { Checkpoint = record, Progress = progress, Warnings = _warnings.Snapshot() }, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_fence.IsTripped)
        {
            outcome = WriteOutcome.Fenced;
        }

        if (outcome == WriteOutcome.Fenced)
        {
            throw new OperationCanceledException("fenced: the checkpoint was not stored and is not acknowledged", _fence.Token);
        }

        Interlocked.Exchange(ref _sequence, sequence);
        Acknowledged++;
        _context.Metrics.CheckpointStored();
        _context.Metrics.AddBytesStreamed(checkpoint.DriveBytesWritten - _lastDriveBytes, "backup");
        _lastDriveBytes = checkpoint.DriveBytesWritten;
        _log.Info(
            "Checkpoint stored",
            "sequence", sequence,
            "segment", checkpoint.Segment,
            "bytesDone", checkpoint.SourceBytesDone,
            "percent", progress.Percent,
            "rate", progress.BytesPerSecond is { } rate ? ByteSize.Format((long)rate) + "/s" : null,
            "eta", ProgressTracker.FormatEta(progress.EtaSeconds));
    }
}
