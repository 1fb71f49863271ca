namespace Spool.DevCluster.Rendering;

/// <summary>Bytes per second over a sliding window of samples; a resume that goes back to a checkpoint restarts the window.</summary>
public sealed class RateMeter
{
    private readonly Queue<(long Timestamp, long Bytes)> samples = new();
    private readonly TimeProvider timeProvider;
    private readonly TimeSpan window;

    public RateMeter(TimeProvider timeProvider, TimeSpan window)
    {
        this.timeProvider = timeProvider;
        this.window = window;
    }

    public double? Add(long bytes)
    {
        var now = timeProvider.GetTimestamp();
        if (samples.Count > 0 && bytes < samples.Last().Bytes)
        {
            samples.Clear();
        }

        samples.Enqueue((now, bytes));
        while (samples.Count > 2 && timeProvider.GetElapsedTime(samples.Peek().Timestamp, now) > window)
        {
            samples.Dequeue();
        }

        if (samples.Count < 2)
        {
            return null;
        }

        var first = samples.Peek();
        var seconds = timeProvider.GetElapsedTime(first.Timestamp, now).TotalSeconds;
        return seconds <= 0 ? null : (bytes - first.Bytes) / seconds;
    }
}
