using System.Net;
using Spool.Api;

namespace Spool.Kube;

public sealed class KubernetesNotFoundException(ApiStatus status) : KubernetesApiException(HttpStatusCode.NotFound, status);
