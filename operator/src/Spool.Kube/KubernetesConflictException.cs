using System.Net;
using Spool.Api;

namespace Spool.Kube;

/// <summary>409 with reason Conflict: the resourceVersion precondition failed.</summary>
public sealed class KubernetesConflictException(ApiStatus status) : KubernetesApiException(HttpStatusCode.Conflict, status);
