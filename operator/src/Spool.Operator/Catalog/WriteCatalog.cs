using Spool.Operator.Decisions;

namespace Spool.Operator.Catalog;

/// <summary>Create or replace a drive's catalog ConfigMap; <see cref="DriveCatalog.ResourceVersion"/> is the precondition (null: create).</summary>
public sealed record WriteCatalog(DriveCatalog Catalog) : OperatorAction;
