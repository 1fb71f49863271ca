using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spool.Api;
using Spool.Api.Core;

namespace Spool.Kube.LeaderElection;

/// <summary>
/// client-go's leader election on a Lease. Candidates try to acquire with jittered retries; a lease counts as held
/// while its record changed less than its duration ago by the local clock (never by comparing remote timestamps). All
/// writes are optimistic (resourceVersion). The leader renews every retry period and loses leadership — its token is
/// cancelled at once — when the renew deadline passes without a successful renew, or when it observes another holder.
/// </summary>
public sealed class LeaderElector
{
    private readonly IKubernetesClient _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private LeaseSpec? _observed;
    private DateTimeOffset _observedAt;
    private string? _reportedLeader;
    private volatile bool _isLeader;

    public LeaderElector(IKubernetesClient client, LeaderElectionConfig config, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _client = client;
        Config = config;
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public LeaderElectionConfig Config { get; }

    public bool IsLeader => _isLeader;

    /// <summary>The holder in the last observed lease record; empty when released.</summary>
    public string? ObservedLeader
    {
        get
        {
            lock (_lock)
            {
                return _observed?.HolderIdentity;
            }
        }
    }

    /// <summary>
    /// Campaigns until leadership is gained, leads until it is lost or <paramref name="cancellationToken"/> is cancelled,
    /// then returns (releasing the lease on cancellation when <see cref="LeaderElectionConfig.ReleaseOnCancel"/>).
    /// Returns true when this candidate led at some point.
    /// </summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        if (!await AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        using var leading = new CancellationTokenSource();
        _isLeader = true;
        _logger.LogInformation("Acquired leadership lease=\"{Namespace}/{Lease}\" identity={Identity}", Config.LeaseNamespace, Config.LeaseName, Config.Identity);
        var work = Task.Run(
            async () =>
            {
                if (Config.OnStartedLeading is { } started)
                {
                    await started(leading.Token).ConfigureAwait(false);
                }
            },
            CancellationToken.None);
        try
        {
            await RenewAsync(leading, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _isLeader = false;
            await leading.CancelAsync().ConfigureAwait(false);
            await WaitForWorkAsync(work).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested && Config.ReleaseOnCancel)
            {
                await ReleaseAsync().ConfigureAwait(false);
            }

            _logger.LogInformation("Lost leadership lease=\"{Namespace}/{Lease}\" identity={Identity}", Config.LeaseNamespace, Config.LeaseName, Config.Identity);
            Invoke(() => Config.OnStoppedLeading?.Invoke(), "OnStoppedLeading");
        }

        return true;
    }

    /// <summary>Runs <see cref="RunAsync"/> again after each loss of leadership, until cancelled.</summary>
    public async Task RunLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false) == Attempt.Held)
            {
                return true;
            }

            var jittered = Config.RetryPeriod * (1 + (Random.Shared.NextDouble() * Config.JitterFactor));
            try
            {
                await Task.Delay(jittered, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }

        return false;
    }

    private async Task RenewAsync(CancellationTokenSource leading, CancellationToken cancellationToken)
    {
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The deadline counts from the last successful renew; when it passes, leadership ends even if a renew request
        // is still hanging.
        using var deadline = _timeProvider.CreateTimer(
            _ =>
            {
                _logger.LogWarning("Renew deadline passed lease=\"{Namespace}/{Lease}\" identity={Identity}", Config.LeaseNamespace, Config.LeaseName, Config.Identity);
                _isLeader = false;
                try
                {
                    leading.Cancel();
                    lost.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The renew loop already ended.
                }
            },
            null,
            Config.RenewDeadline,
            Timeout.InfiniteTimeSpan);
        while (!lost.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Config.RetryPeriod, _timeProvider, lost.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var attempt = await TryAcquireOrRenewAsync(lost.Token).ConfigureAwait(false);
            if (attempt == Attempt.Held && !lost.IsCancellationRequested)
            {
                deadline.Change(Config.RenewDeadline, Timeout.InfiniteTimeSpan);
            }
            else if (attempt == Attempt.HeldByOther)
            {
                _logger.LogWarning("Lease taken by another holder lease=\"{Namespace}/{Lease}\" holder={Holder}", Config.LeaseNamespace, Config.LeaseName, ObservedLeader);
                return;
            }
        }
    }

    private async Task<Attempt> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = _timeProvider.GetUtcNow();
            var lease = await _client.GetAsync<Lease>(Config.LeaseName, Config.LeaseNamespace, cancellationToken).ConfigureAwait(false);
            var duration = (int)Math.Ceiling(Config.LeaseDuration.TotalSeconds);
            if (lease is null)
            {
                var spec = new LeaseSpec
                {
                    HolderIdentity = Config.Identity,
                    LeaseDurationSeconds = duration,
                    AcquireTime = now,
                    RenewTime = now,
                    LeaseTransitions = 0,
                };
                try
                {
                    await _client.CreateAsync(
                        new Lease { Metadata = new ObjectMeta { Name = Config.LeaseName, Namespace = Config.LeaseNamespace }, Spec = spec },
                        cancellationToken).ConfigureAwait(false);
                }
                catch (KubernetesAlreadyExistsException)
                {
                    return Attempt.Failed;
                }

                Observe(spec, _timeProvider.GetUtcNow());
                return Attempt.Held;
            }

            var old = lease.Spec;
            Observe(old, now);
            var holder = old.HolderIdentity;
            var heldByMe = holder == Config.Identity;
            if (!string.IsNullOrEmpty(holder) && !heldByMe && LeaseValid(now))
            {
                return Attempt.HeldByOther;
            }

            var renewed = new LeaseSpec
            {
                HolderIdentity = Config.Identity,
                LeaseDurationSeconds = duration,
                AcquireTime = heldByMe ? old.AcquireTime ?? now : now,
                RenewTime = now,
                LeaseTransitions = heldByMe ? old.LeaseTransitions ?? 0 : (old.LeaseTransitions ?? 0) + 1,
            };
            try
            {
                await _client.UpdateAsync(lease with { Spec = renewed }, cancellationToken).ConfigureAwait(false);
            }
            catch (KubernetesConflictException)
            {
                return Attempt.Failed;
            }

            Observe(renewed, _timeProvider.GetUtcNow());
            return Attempt.Held;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Attempt.Failed;
        }
        catch (Exception e) when (e is KubernetesApiException or HttpRequestException or IOException or TimeoutException)
        {
            _logger.LogWarning("Lease update failed lease=\"{Namespace}/{Lease}\" identity={Identity} error={Error}", Config.LeaseNamespace, Config.LeaseName, Config.Identity, e.Message);
            return Attempt.Failed;
        }
    }

    private async Task ReleaseAsync()
    {
        var timeout = new CancellationTokenSource(Config.RenewDeadline, _timeProvider);
        using (timeout)
        {
            try
            {
                var lease = await _client.GetAsync<Lease>(Config.LeaseName, Config.LeaseNamespace, timeout.Token).ConfigureAwait(false);
                if (lease is null || lease.Spec.HolderIdentity != Config.Identity)
                {
                    return;
                }

                var now = _timeProvider.GetUtcNow();
                var released = new LeaseSpec
                {
                    HolderIdentity = "",
                    LeaseDurationSeconds = 1,
                    AcquireTime = now,
                    RenewTime = now,
                    LeaseTransitions = lease.Spec.LeaseTransitions,
                };
                await _client.UpdateAsync(lease with { Spec = released }, timeout.Token).ConfigureAwait(false);
                Observe(released, now);
                _logger.LogInformation("Released lease lease=\"{Namespace}/{Lease}\" identity={Identity}", Config.LeaseNamespace, Config.LeaseName, Config.Identity);
            }
            catch (Exception e) when (e is KubernetesApiException or HttpRequestException or IOException or TimeoutException or OperationCanceledException)
            {
                _logger.LogWarning("Lease release failed lease=\"{Namespace}/{Lease}\" identity={Identity} error={Error}", Config.LeaseNamespace, Config.LeaseName, Config.Identity, e.Message);
            }
        }
    }

    private async Task WaitForWorkAsync(Task work)
    {
        try
        {
            await work.WaitAsync(Config.RenewDeadline, _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Leader work did not stop within the renew deadline identity={Identity}", Config.Identity);
        }
        catch (OperationCanceledException)
        {
        }
#pragma warning disable CA1031 // The callback's failure is logged; leadership bookkeeping must complete.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.LogError(e, "Leader work failed identity={Identity}", Config.Identity);
        }
    }

    private void Observe(LeaseSpec spec, DateTimeOffset now)
    {
        string? newLeader = null;
        lock (_lock)
        {
            if (_observed is null || _observed != spec)
            {
                _observed = spec;
                _observedAt = now;
            }

            var holder = spec.HolderIdentity;
            if (!string.IsNullOrEmpty(holder) && holder != _reportedLeader)
            {
                _reportedLeader = holder;
                newLeader = holder;
            }
        }

        if (newLeader is not null)
        {
            Invoke(() => Config.OnNewLeader?.Invoke(newLeader), "OnNewLeader");
        }
    }

    private bool LeaseValid(DateTimeOffset now)
    {
        lock (_lock)
        {
            var seconds = _observed?.LeaseDurationSeconds ?? (int)Config.LeaseDuration.TotalSeconds;
            return _observedAt + TimeSpan.FromSeconds(seconds) > now;
        }
    }

    private void Invoke(Action callback, string name)
    {
        try
        {
            callback();
        }
#pragma warning disable CA1031 // A failing callback must not break the election.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.LogError(e, "Leader election callback failed callback={Callback} identity={Identity}", name, Config.Identity);
        }
    }

    private enum Attempt
    {
        Held,
        Failed,
        HeldByOther,
    }
}
