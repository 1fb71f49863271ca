namespace Spool.Api;

/// <summary>An object with a status subresource.</summary>
public interface IHasStatus<TStatus> : IKubernetesObject
    where TStatus : class
{
    TStatus? Status { get; init; }
}
