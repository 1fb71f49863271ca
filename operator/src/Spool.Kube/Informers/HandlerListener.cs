using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Spool.Kube.Informers;

/// <summary>One handler's unbounded queue and pump, so that handlers never block the watch stream.</summary>
internal sealed class HandlerListener<T> : IDisposable
{
    private readonly Channel<InformerNotification<T>> _channel =
        Channel.CreateUnbounded<InformerNotification<T>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private readonly ResourceEventHandler<T> _handler;
    private readonly ILogger _logger;
    private readonly Action<HandlerListener<T>> _onDispose;
    private long _pending;

    public HandlerListener(ResourceEventHandler<T> handler, ILogger logger, Action<HandlerListener<T>> onDispose)
    {
        _handler = handler;
        _logger = logger;
        _onDispose = onDispose;
        Completion = Task.Run(PumpAsync);
    }

    public Task Completion { get; }

    /// <summary>Notifications queued and not yet handled.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    public void Post(InformerNotification<T> notification)
    {
        Interlocked.Increment(ref _pending);
        if (!_channel.Writer.TryWrite(notification))
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    public void Dispose()
    {
        if (_channel.Writer.TryComplete())
        {
            _onDispose(this);
        }
    }

    private async Task PumpAsync()
    {
        await foreach (var notification in _channel.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                Dispatch(notification);
            }
#pragma warning disable CA1031 // A failing handler must not stop the others or the informer.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger.LogError(e, "Informer handler failed kind={Kind} type={Type}", notification.Kind, typeof(T).Name);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    private void Dispatch(InformerNotification<T> notification)
    {
        switch (notification.Kind)
        {
            case InformerNotificationKind.Add:
                _handler.OnAdd?.Invoke(notification.New!);
                break;
            case InformerNotificationKind.Update:
                _handler.OnUpdate?.Invoke(notification.Old!, notification.New!);
                break;
            case InformerNotificationKind.Delete:
                _handler.OnDelete?.Invoke(notification.Old!);
                break;
            case InformerNotificationKind.DeleteFinalStateUnknown:
                if (_handler.OnDeleteFinalStateUnknown is { } tombstone)
                {
                    tombstone(notification.Tombstone!);
                }
                else
                {
                    _handler.OnDelete?.Invoke(notification.Tombstone!.Object);
                }

                break;
        }
    }
}
