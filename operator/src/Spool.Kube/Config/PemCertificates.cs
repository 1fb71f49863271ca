using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Spool.Kube;

/// <summary>PEM helpers for client certificates and custom certificate authorities.</summary>
public static class PemCertificates
{
    public static X509Certificate2 ClientCertificate(string certificatePem, string keyPem) =>
        X509Certificate2.CreateFromPem(certificatePem, keyPem);

    public static X509Certificate2Collection Authorities(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        if (collection.Count == 0)
        {
            throw new KubeConfigException("certificate authority holds no PEM certificate");
        }

        return collection;
    }

    /// <summary>
    /// Validates a server certificate against the kubeconfig's CA only (not the system store), as client-go does when a
    /// CA is configured. The host name must still match.
    /// </summary>
    public static bool ValidateAgainst(X509Certificate2Collection authorities, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0
            || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        using var server = new X509Certificate2(certificate);
        return chain.Build(server);
    }
}
