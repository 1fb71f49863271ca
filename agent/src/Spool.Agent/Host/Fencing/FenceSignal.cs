namespace Spool.Agent.Host.Fencing;

/// <summary>
/// Trips once, when the stream of one (job, epoch) loses its right to write. Whoever sees it first — a watch event, a
/// conflicting status write, the lost node Lease — trips it; the stream and the status writer both obey the token.
/// </summary>
public sealed class FenceSignal : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private FenceDecision? _decision;

    public CancellationToken Token => _source.Token;

    public bool IsTripped => Volatile.Read(ref _decision) is not null;

    public FenceDecision? Decision => Volatile.Read(ref _decision);

    /// <summary>Returns true for the call that tripped it.</summary>
    public bool Trip(FenceDecision decision)
    {
        if (Interlocked.CompareExchange(ref _decision, decision, null) is not null)
        {
            return false;
        }

        _source.Cancel();
        return true;
    }

    public void Dispose() => _source.Dispose();
}
