namespace Spool.Kube;

/// <summary>
/// A bearer token read from a file that the kubelet rotates (projected service-account tokens expire after an hour).
/// The file is re-read at most once per <see cref="RefreshInterval"/>, and at once after a 401.
/// </summary>
public sealed class TokenFileCredentialProvider : ICredentialProvider
{
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _readAt;

    public TokenFileCredentialProvider(string path, TimeProvider? timeProvider = null, TimeSpan? refreshInterval = null)
    {
        Path = path;
        _timeProvider = timeProvider ?? TimeProvider.System;
        RefreshInterval = refreshInterval ?? TimeSpan.FromMinutes(1);
    }

    public string Path { get; }

    public TimeSpan RefreshInterval { get; }

    public async ValueTask<KubeCredential> GetCredentialAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _timeProvider.GetUtcNow();
            if (_token is null || forceRefresh || now - _readAt >= RefreshInterval)
            {
                var text = await File.ReadAllTextAsync(Path, cancellationToken).ConfigureAwait(false);
                _token = text.Trim();
                _readAt = now;
            }

            return new KubeCredential(_token);
        }
        finally
        {
            _gate.Release();
        }
    }
}
