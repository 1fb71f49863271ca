using System.Security.Cryptography.X509Certificates;

namespace Spool.Kube;

/// <summary>A fixed client certificate together with a rotating token.</summary>
internal sealed class CertificateAndTokenProvider(X509Certificate2 certificate, ICredentialProvider tokens) : ICredentialProvider
{
    public async ValueTask<KubeCredential> GetCredentialAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        var token = await tokens.GetCredentialAsync(forceRefresh, cancellationToken).ConfigureAwait(false);
        return new KubeCredential(token.Token, certificate);
    }
}
