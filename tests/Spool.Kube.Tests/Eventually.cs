namespace Spool.Kube.Tests;

/// <summary>Polls a condition that background work will make true, failing loudly when it does not.</summary>
internal static class Eventually
{
    public static async Task True(Func<bool> condition, int timeoutMs = 10_000, string? because = null)
    {
        var start = Environment.TickCount64;
        while (!condition())
        {
            if (Environment.TickCount64 - start > timeoutMs)
            {
                Assert.Fail($"condition not reached within {timeoutMs} ms {because}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(2), TimeProvider.System);
        }
    }
}
