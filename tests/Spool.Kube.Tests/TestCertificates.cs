using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Spool.Kube.Tests;

/// <summary>A throwaway CA with a server and a client certificate, as PEM.</summary>
internal sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=spool-test-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        Ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        CaPem = Ca.ExportCertificatePem();

        Server = Issue("CN=localhost", serverAuth: true, out var serverKeyPem, out var serverPem);
        ServerPem = serverPem;
        ServerKeyPem = serverKeyPem;
        Client = Issue("CN=spool-client", serverAuth: false, out var clientKeyPem, out var clientPem);
        ClientPem = clientPem;
        ClientKeyPem = clientKeyPem;
    }

    public X509Certificate2 Ca { get; }

    public string CaPem { get; }

    public X509Certificate2 Server { get; }

    public string ServerPem { get; }

    public string ServerKeyPem { get; }

    public X509Certificate2 Client { get; }

    public string ClientPem { get; }

    public string ClientKeyPem { get; }

    public static string Base64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Client.Dispose();
    }

    private X509Certificate2 Issue(string subject, bool serverAuth, out string keyPem, out string certPem)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(Ca, now.AddDays(-1), now.AddDays(10), RandomNumberGenerator.GetBytes(8));
        keyPem = key.ExportPkcs8PrivateKeyPem();
        certPem = issued.ExportCertificatePem();
        return X509Certificate2.CreateFromPem(certPem, keyPem);
    }
}
