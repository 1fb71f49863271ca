namespace Spool.Kube;

/// <summary>
/// Supplies the credential for each request. Providers cache; <paramref name="forceRefresh"/> is set after a 401 so that
/// a rotated token or an expired exec credential is fetched again.
/// </summary>
public interface ICredentialProvider
{
    ValueTask<KubeCredential> GetCredentialAsync(bool forceRefresh, CancellationToken cancellationToken);
}
