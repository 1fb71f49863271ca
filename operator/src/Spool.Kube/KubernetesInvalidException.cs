using System.Net;
using Spool.Api;

namespace Spool.Kube;

/// <summary>422: the object failed validation; <see cref="KubernetesApiException.Causes"/> name the fields.</summary>
public sealed class KubernetesInvalidException(ApiStatus status) : KubernetesApiException(HttpStatusCode.UnprocessableEntity, status);
