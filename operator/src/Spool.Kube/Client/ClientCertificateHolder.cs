using System.Security.Cryptography.X509Certificates;

namespace Spool.Kube;

/// <summary>The client certificate the TLS handshake presents; exec plugins may replace it (new connections pick it up).</summary>
internal sealed class ClientCertificateHolder
{
    private volatile X509Certificate2? _current;

    public X509Certificate2? Current
    {
        get => _current;
        set => _current = value;
    }
}
