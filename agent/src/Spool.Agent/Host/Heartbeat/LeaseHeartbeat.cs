using Spool.Agent.Host.Logging;
using Spool.Api;
using Spool.Api.Core;
using Spool.Kube;

namespace Spool.Agent.Host.Heartbeat;

/// <summary>
/// Keeps the node Lease <c>spool-agent-&lt;node&gt;</c> fresh. When renewals fail for longer than the lease duration the
/// operator may already have failed the node's jobs over, so the agent must assume it is fenced: <see cref="LeaseLost"/>
/// fires and every stream stops. <see cref="LeaseRegained"/> fires when a renewal succeeds again.
/// </summary>
public sealed class LeaseHeartbeat
{
    private readonly IKubernetesClient _client;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly AgentLog _log;
    private Lease? _lease;
    private DateTimeOffset? _lastRenew;
    private bool _lost;

    public LeaseHeartbeat(IKubernetesClient client, AgentOptions options, TimeProvider time, AgentLog log)
    {
        _client = client;
        _options = options;
        _time = time;
        _log = log;
    }

    public static string LeaseName(string node) => $"spool-agent-{node}";

    public event Action? LeaseLost;

    public event Action? LeaseRegained;

    /// <summary>After every successful renewal, so that decisions waiting for a held lease are taken without delay.</summary>
    public event Action? Renewed;

    public DateTimeOffset? LastRenew => _lastRenew;

    /// <summary>True while the lease is considered held (renewed within its duration).</summary>
    public bool IsHealthy => _lastRenew is { } last && !_lost && _time.GetUtcNow() - last <= _options.LeaseDuration;

    /// <summary>Renews once, then every renew interval until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            await TickAsync(started, cancellationToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(_options.LeaseRenewInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One renewal attempt and the lost/regained bookkeeping.</summary>
    public async Task TickAsync(DateTimeOffset started, CancellationToken cancellationToken)
    {
        try
        {
            try
            {
                await RenewAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (KubernetesConflictException)
            {
                await RenewAsync(cancellationToken).ConfigureAwait(false);
            }

            _lastRenew = _time.GetUtcNow();
            if (_lost)
            {
                _lost = false;
                _log.Info("Node lease regained", "lease", LeaseName(_options.NodeName));
                LeaseRegained?.Invoke();
            }

            Renewed?.Invoke();
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var since = _lastRenew ?? started;
            _log.Error(error, "Node lease renewal failed", "lease", LeaseName(_options.NodeName), "sinceLastRenew", now - since);
            if (!_lost && now - since > _options.LeaseDuration)
            {
                _lost = true;
                _log.Warning("Node lease expired, stopping all streams", "lease", LeaseName(_options.NodeName), "sinceLastRenew", now - since);
                LeaseLost?.Invoke();
            }
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var name = LeaseName(_options.NodeName);
        var now = _time.GetUtcNow();
        var seconds = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds);
        if (_lease is null)
        {
            _lease = await _client.GetAsync<Lease>(name, _options.Namespace, cancellationToken).ConfigureAwait(false);
            if (_lease is null)
            {
                try
                {
                    _lease = await _client.CreateAsync(
                        new Lease
                        {
                            Metadata = new ObjectMeta
                            {
                                Name = name,
                                Namespace = _options.Namespace,
                                Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "spool-agent", [Spool.Api.V1Alpha1.SpoolGroup.NodeLabel] = _options.NodeName },
                            },
                            Spec = new LeaseSpec { HolderIdentity = _options.Identity, LeaseDurationSeconds = seconds, AcquireTime = now, RenewTime = now, LeaseTransitions = 0 },
                        },
                        cancellationToken).ConfigureAwait(false);
                    _log.Info("Created node lease", "lease", name, "namespace", _options.Namespace, "holder", _options.Identity);
                    return;
                }
                catch (KubernetesAlreadyExistsException)
                {
                    _lease = await _client.GetAsync<Lease>(name, _options.Namespace, cancellationToken).ConfigureAwait(false)
                        ?? throw new InvalidOperationException($"lease {name} vanished after AlreadyExists");
                }
            }
        }

        var spec = _lease.Spec;
        var newHolder = !string.Equals(spec.HolderIdentity, _options.Identity, StringComparison.Ordinal);
        var renewed = _lease with
        {
            Spec = spec with
            {
                HolderIdentity = _options.Identity,
                LeaseDurationSeconds = seconds,
                RenewTime = now,
                AcquireTime = newHolder ? now : spec.AcquireTime ?? now,
                LeaseTransitions = newHolder ? (spec.LeaseTransitions ?? 0) + 1 : spec.LeaseTransitions,
            },
        };
        try
        {
            _lease = await _client.UpdateAsync(renewed, cancellationToken).ConfigureAwait(false);
            if (newHolder)
            {
                _log.Info("Took over node lease", "lease", name, "holder", _options.Identity, "previous", spec.HolderIdentity);
            }
        }
        catch (Exception error) when (error is KubernetesConflictException or KubernetesNotFoundException)
        {
            // Someone else wrote the lease (or deleted it); start from a fresh read next tick, or now.
            _lease = null;
            throw;
        }
    }
}
