using Spool.Api.Core;

namespace Spool.Operator.Decisions;

/// <summary>Creates the claim a RestoreJob asked for with <c>target.newClaim</c>.</summary>
public sealed record CreateClaim(JobRef Job, PersistentVolumeClaim Claim) : OperatorAction;
