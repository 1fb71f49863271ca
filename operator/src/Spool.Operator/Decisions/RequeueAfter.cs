namespace Spool.Operator.Decisions;

/// <summary>Look at the object again after <paramref name="Delay"/> even if nothing changes (lease expiry, backoff).</summary>
public sealed record RequeueAfter(TimeSpan Delay) : OperatorAction
{
    public override bool ChangesState => false;
}
