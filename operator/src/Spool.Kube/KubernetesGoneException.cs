using System.Net;
using Spool.Api;

namespace Spool.Kube;

/// <summary>410: the requested resourceVersion is older than the server's history; relist.</summary>
public sealed class KubernetesGoneException(ApiStatus status) : KubernetesApiException(HttpStatusCode.Gone, status);
