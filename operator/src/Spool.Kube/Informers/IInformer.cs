namespace Spool.Kube.Informers;

/// <summary>The type-independent controls of an informer.</summary>
public interface IInformer : IAsyncDisposable
{
    bool HasSynced { get; }

    Task Start(CancellationToken cancellationToken = default);

    Task WaitForSyncAsync(CancellationToken cancellationToken = default);
}
