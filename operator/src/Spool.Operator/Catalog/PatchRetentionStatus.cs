using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;

namespace Spool.Operator.Catalog;

/// <summary>Merge-patch <c>status.retention</c> of a schedule; the schedule controller owns the rest of its status.</summary>
public sealed record PatchRetentionStatus(string Namespace, string Name, RetentionStatus Retention) : OperatorAction;
