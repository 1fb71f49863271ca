namespace Spool.Kube.Controllers;

/// <summary>
/// What a reconcile asks of the runner: nothing (<see cref="Done"/>), another pass after the rate limiter's delay
/// (<see cref="Requeue"/>), or another pass after a fixed delay (<see cref="RequeueAfter"/>, which wins over Requeue).
/// </summary>
public sealed record ReconcileResult(bool Requeue = false, TimeSpan? RequeueAfter = null)
{
    public static ReconcileResult Done { get; } = new();

    public static ReconcileResult RequeueRateLimited { get; } = new(Requeue: true);

    public static ReconcileResult After(TimeSpan delay) => new(RequeueAfter: delay);
}
