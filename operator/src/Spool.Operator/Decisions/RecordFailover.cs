namespace Spool.Operator.Decisions;

/// <summary>A hand-over happened in this decision; the shell counts it and logs it.</summary>
public sealed record RecordFailover(JobRef Job, string Reason, string? FromNode, string? ToNode, long FromEpoch, long BytesResent) : OperatorAction
{
    public override bool ChangesState => false;
}
