using System.Security.Cryptography.X509Certificates;

namespace Spool.Kube;

/// <summary>What a request authenticates with: a bearer token, a client certificate, or both.</summary>
public sealed record KubeCredential(string? Token, X509Certificate2? ClientCertificate = null)
{
    public static KubeCredential None { get; } = new((string?)null);
}
