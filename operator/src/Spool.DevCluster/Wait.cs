namespace Spool.DevCluster;

/// <summary>Polling with a deadline on the real clock; the failure names what was awaited.</summary>
public static class Wait
{
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(200);

    public static async Task UntilAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, string what, TimeProvider timeProvider, CancellationToken cancellationToken, TimeSpan? poll = null)
    {
        var started = timeProvider.GetTimestamp();
        Exception? last = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (await condition(cancellationToken))
                {
                    return;
                }

                last = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                last = ex;
            }

            if (timeProvider.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:F0} s waiting for {what}" + (last is null ? "" : $" (last error: {last.Message})"), last);
            }

            await Task.Delay(poll ?? DefaultPoll, timeProvider, cancellationToken);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, TimeProvider timeProvider, CancellationToken cancellationToken, TimeSpan? poll = null) =>
        UntilAsync(_ => Task.FromResult(condition()), timeout, what, timeProvider, cancellationToken, poll);
}
