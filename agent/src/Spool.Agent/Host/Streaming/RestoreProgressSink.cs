using System.Text.Json;
using Spool.Agent.Host.Fencing;
using Spool.Agent.Host.Jobs;
using Spool.Agent.Host.Logging;
using Spool.Agent.Host.Progress;
using Spool.Api.V1Alpha1;

namespace Spool.Agent.Host.Streaming;

/// <summary>Stores restore checkpoints and progress in the RestoreJob status; a fenced write stops the restore.</summary>
public sealed class RestoreProgressSink(JobStatusWriter<RestoreJob> writer, FenceSignal fence, AgentContext context, AgentLog log, long lastSequence, CancellationToken hardStop) : IRestoreProgress
{
    private readonly ProgressTracker _tracker = new(writer.Epoch);
    private long _sequence = lastSequence;
    private long _bytesTotal = -1;
    private long _filesTotal = -1;
    private long _lastBytes;

    public long LastSequence => _sequence;

    public void Totals(long files, long bytes)
    {
        Interlocked.Exchange(ref _filesTotal, files);
        Interlocked.Exchange(ref _bytesTotal, bytes);
    }

    public async ValueTask CheckpointReached(RestoreCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(fence.Token, hardStop);
        var now = context.Time.GetUtcNow();
        var data = JsonSerializer.Serialize(checkpoint, JsonSerializerOptions.Web);
        var sequence = _sequence + 1;
        var bytesTotal = Interlocked.Read(ref _bytesTotal);
        var filesTotal = Interlocked.Read(ref _filesTotal);
        var progress = _tracker.Update(now, checkpoint.BytesDone, checkpoint.FilesDone, bytesTotal >= 0 ? bytesTotal : null, filesTotal >= 0 ? filesTotal : null);
        var record = new CheckpointRecord
        {
            Epoch = writer.Epoch,
            Node = context.Options.NodeName,
            Sequence = sequence,
            BytesDone = checkpoint.BytesDone,
            FilesDone = checkpoint.FilesDone,
            Data = data,
            Digest = CheckpointCodec.Digest(data),
            Time = now,
        };
        WriteOutcome outcome;
        try
        {
            outcome = await writer.WriteAsync(new AgentWrite { Checkpoint = record, Progress = progress }, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (fence.IsTripped)
        {
            outcome = WriteOutcome.Fenced;
        }

        if (outcome == WriteOutcome.Fenced)
        {
            throw new OperationCanceledException("fenced: the restore checkpoint was not stored", fence.Token);
        }

        _sequence = sequence;
        context.Metrics.CheckpointStored();
        context.Metrics.AddBytesStreamed(checkpoint.BytesDone - _lastBytes, "restore");
        _lastBytes = checkpoint.BytesDone;
        log.Info("Restore checkpoint stored", "sequence", sequence, "files", checkpoint.FilesDone, "bytesDone", checkpoint.BytesDone, "percent", progress.Percent);
    }
}
