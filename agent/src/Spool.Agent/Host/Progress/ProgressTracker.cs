using System.Globalization;
using Spool.Api.V1Alpha1;

namespace Spool.Agent.Host.Progress;

/// <summary>
/// Turns the byte and file counts of checkpoints into <see cref="JobProgress"/>. The rate is measured over a sliding
/// window, so that a resumed epoch's rate is not inflated by the bytes of earlier epochs.
/// </summary>
public sealed class ProgressTracker
{
    private readonly Queue<ProgressSample> _window = new();
    private readonly TimeSpan _windowLength;
    private readonly long _epoch;

    public ProgressTracker(long epoch, TimeSpan? windowLength = null)
    {
        _epoch = epoch;
        _windowLength = windowLength ?? TimeSpan.FromSeconds(60);
    }

    public JobProgress Update(DateTimeOffset now, long bytesDone, long filesDone, long? bytesTotal, long? filesTotal)
    {
        _window.Enqueue(new ProgressSample(now, bytesDone));
        while (_window.Count > 2 && now - _window.Peek().Time > _windowLength)
        {
            _window.Dequeue();
        }

        var first = _window.Peek();
        var seconds = (now - first.Time).TotalSeconds;
        double? rate = seconds > 0 ? Math.Max(0, bytesDone - first.Bytes) / seconds : null;
        return Build(_epoch, now, bytesDone, filesDone, bytesTotal, filesTotal, rate);
    }

    public static JobProgress Build(long epoch, DateTimeOffset now, long bytesDone, long filesDone, long? bytesTotal, long? filesTotal, double? rate)
    {
        long? eta = null;
        if (bytesTotal is { } total && rate is > 0)
        {
            eta = (long)Math.Ceiling(Math.Max(0, total - bytesDone) / rate.Value);
        }

        return new JobProgress
        {
            Epoch = epoch,
            BytesDone = bytesDone,
            BytesTotal = bytesTotal,
            FilesDone = filesDone,
            FilesTotal = filesTotal,
            BytesPerSecond = rate is null ? null : Math.Round(rate.Value, 1),
            EtaSeconds = eta,
            Percent = Percent(bytesDone, bytesTotal),
            Size = bytesTotal is null ? ByteSize.Format(bytesDone) : $"{ByteSize.Format(bytesDone)} / {ByteSize.Format(bytesTotal.Value)}",
            UpdateTime = now,
        };
    }

    /// <summary>Whole percent, never 100% before the last byte.</summary>
    public static string? Percent(long done, long? total)
    {
        if (total is null)
        {
            return null;
        }

        if (total.Value <= 0 || done >= total.Value)
        {
            return "100%";
        }

        var whole = Math.Min(99, (int)(done * 100 / total.Value));
        return whole.ToString(CultureInfo.InvariantCulture) + "%";
    }

    /// <summary>1h02m03s style, for logs.</summary>
    public static string FormatEta(long? seconds)
    {
        if (seconds is null)
        {
            return "unknown";
        }

        var span = TimeSpan.FromSeconds(seconds.Value);
        return span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:00}m{span.Seconds:00}s")
            : span.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m{span.Seconds:00}s")
                : string.Create(CultureInfo.InvariantCulture, $"{span.Seconds}s");
    }
}
