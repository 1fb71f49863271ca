namespace Spool.Kube;

/// <summary>A fixed bearer token and/or client certificate, as written inline in a kubeconfig.</summary>
public sealed class StaticCredentialProvider(KubeCredential credential) : ICredentialProvider
{
    public KubeCredential Credential { get; } = credential;

    public ValueTask<KubeCredential> GetCredentialAsync(bool forceRefresh, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Credential);
}
