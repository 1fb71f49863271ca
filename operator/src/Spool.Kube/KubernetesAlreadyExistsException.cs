using System.Net;
using Spool.Api;

namespace Spool.Kube;

/// <summary>409 with reason AlreadyExists.</summary>
public sealed class KubernetesAlreadyExistsException(ApiStatus status) : KubernetesApiException(HttpStatusCode.Conflict, status);
