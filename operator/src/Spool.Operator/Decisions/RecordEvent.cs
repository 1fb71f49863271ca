using Spool.Api;

namespace Spool.Operator.Decisions;

/// <summary>A Kubernetes Event on <paramref name="Regarding"/>. Type is Normal or Warning.</summary>
public sealed record RecordEvent(ObjectReference Regarding, string Type, string Reason, string Message) : OperatorAction
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    public override bool ChangesState => false;
}
