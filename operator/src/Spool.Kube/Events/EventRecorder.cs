using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spool.Api;
using Spool.Api.Core;

namespace Spool.Kube.Events;

/// <summary>
/// Records core/v1 Events about objects. A repeat of the same event (object, type, reason, message) within the
/// aggregation window bumps <c>count</c> and <c>lastTimestamp</c> of the existing Event instead of creating another,
/// as client-go's correlator does. Recording never throws into the caller: failures are logged.
/// </summary>
public sealed class EventRecorder
{
    private const int MaxCacheEntries = 4096;
    private readonly IKubernetesClient _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Object, string Type, string Reason, string Message), RecordedEvent> _recent = [];
    private long _failures;

    public EventRecorder(
        IKubernetesClient client,
        string component,
        string? instance = null,
        ILogger? logger = null,
        TimeProvider? timeProvider = null,
        TimeSpan? aggregationWindow = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(component);
        _client = client;
        Component = component;
        Instance = instance;
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        AggregationWindow = aggregationWindow ?? TimeSpan.FromMinutes(10);
    }

    public string Component { get; }

    public string? Instance { get; }

    public TimeSpan AggregationWindow { get; }

    /// <summary>Events that could not be written.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public static ObjectReference ReferenceTo(IKubernetesObject entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var descriptor = ResourceDescriptor.For(entity.GetType());
        return new ObjectReference
        {
            ApiVersion = entity.ApiVersion ?? descriptor.ApiVersion,
            Kind = entity.Kind ?? descriptor.Kind,
            Namespace = entity.Metadata.Namespace,
            Name = entity.Metadata.Name,
            Uid = entity.Metadata.Uid,
            ResourceVersion = entity.Metadata.ResourceVersion,
        };
    }

    public Task NormalAsync(IKubernetesObject involved, string reason, string message, CancellationToken cancellationToken = default) =>
        RecordAsync(involved, EventType.Normal, reason, message, cancellationToken);

    public Task WarningAsync(IKubernetesObject involved, string reason, string message, CancellationToken cancellationToken = default) =>
        RecordAsync(involved, EventType.Warning, reason, message, cancellationToken);

    public Task RecordAsync(IKubernetesObject involved, string type, string reason, string message, CancellationToken cancellationToken = default)
    {
        ObjectReference reference;
        try
        {
            reference = ReferenceTo(involved);
        }
        catch (ArgumentException e)
        {
            Interlocked.Increment(ref _failures);
            _logger.LogWarning("Event not recorded reason={Reason} error={Error}", reason, e.Message);
            return Task.CompletedTask;
        }

        return RecordAsync(reference, type, reason, message, cancellationToken);
    }

    /// <summary>Records an event about a referenced object; completes without throwing, whatever happens.</summary>
    public async Task RecordAsync(ObjectReference involved, string type, string reason, string message, CancellationToken cancellationToken = default)
    {
        try
        {
            await RecordCoreAsync(involved, type, reason, Truncate(message, 1024), cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Events are best effort: the caller's work must never fail because of one.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _failures);
            _logger.LogWarning(
                "Event not recorded object=\"{Namespace}/{Name}\" kind={Kind} reason={Reason} error={Error}",
                involved.Namespace,
                involved.Name,
                involved.Kind,
                reason,
                e.Message);
        }
    }

    private async Task RecordCoreAsync(ObjectReference involved, string type, string reason, string message, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var key = (involved.Uid ?? $"{involved.Kind}/{involved.Namespace}/{involved.Name}", type, reason, message);
        RecordedEvent? previous;
        lock (_lock)
        {
            _recent.TryGetValue(key, out previous);
        }

        if (previous is not null && now - previous.LastTimestamp < AggregationWindow)
        {
            var count = previous.Count + 1;
            var patch = new JsonObject
            {
                ["count"] = count,
                ["lastTimestamp"] = Rfc3339(now),
                ["message"] = message,
            };
            try
            {
                await _client.PatchAsync<CoreEvent>(previous.Name, previous.Namespace, KubePatch.Merge(patch.ToJsonString()), null, cancellationToken).ConfigureAwait(false);
                Remember(key, previous with { Count = count, LastTimestamp = now });
                return;
            }
            catch (KubernetesNotFoundException)
            {
                // The Event expired (the server keeps them an hour); start a new one.
            }
        }

        var ns = string.IsNullOrEmpty(involved.Namespace) ? "default" : involved.Namespace;
        var name = $"{Truncate(involved.Name ?? "unknown", 200)}.{now.UtcTicks:x}";
        var created = await _client.CreateAsync(
            new CoreEvent
            {
                Metadata = new ObjectMeta { Name = name, Namespace = ns },
                InvolvedObject = involved,
                Reason = reason,
                Message = message,
                Type = type,
                Source = new EventSource { Component = Component, Host = Instance },
                FirstTimestamp = now,
                LastTimestamp = now,
                Count = 1,
                ReportingComponent = Component,
                ReportingInstance = Instance,
            },
            cancellationToken).ConfigureAwait(false);
        Remember(key, new RecordedEvent(created.Metadata.Name ?? name, ns, 1, now));
    }

    private void Remember((string, string, string, string) key, RecordedEvent recorded)
    {
        lock (_lock)
        {
            if (_recent.Count >= MaxCacheEntries && !_recent.ContainsKey(key))
            {
                var cutoff = _timeProvider.GetUtcNow() - AggregationWindow;
                foreach (var stale in _recent.Where(e => e.Value.LastTimestamp < cutoff).Select(e => e.Key).ToList())
                {
                    _recent.Remove(stale);
                }

                if (_recent.Count >= MaxCacheEntries)
                {
                    _recent.Clear();
                }
            }

            _recent[key] = recorded;
        }
    }

    private static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    private sealed record RecordedEvent(string Name, string Namespace, int Count, DateTimeOffset LastTimestamp);
}
