using System.Net;
using Spool.Api;

namespace Spool.Kube;

/// <summary>An error answer of the API server, typed from its Status body.</summary>
public class KubernetesApiException : Exception
{
    public KubernetesApiException(HttpStatusCode statusCode, ApiStatus status)
        : base(status.Message ?? $"{(int)statusCode} {status.Reason}")
    {
        StatusCode = statusCode;
        Status = status;
    }

    public HttpStatusCode StatusCode { get; }

    public ApiStatus Status { get; }

    /// <summary>The machine-readable reason: Conflict, NotFound, AlreadyExists, Invalid, Expired, ...</summary>
    public string? Reason => Status.Reason;

    public IReadOnlyList<ApiStatusCause> Causes => Status.Details?.Causes ?? [];
}
