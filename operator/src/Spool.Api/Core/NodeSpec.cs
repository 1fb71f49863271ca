namespace Spool.Api.Core;

public sealed record NodeSpec
{
    public bool? Unschedulable { get; init; }
}
