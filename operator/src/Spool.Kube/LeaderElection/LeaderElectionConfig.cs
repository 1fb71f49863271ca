namespace Spool.Kube.LeaderElection;

/// <summary>
/// Leader election on a coordination.k8s.io/v1 Lease, with client-go's timing rules:
/// <see cref="LeaseDuration"/> &gt; <see cref="RenewDeadline"/> &gt; <see cref="JitterFactor"/> × <see cref="RetryPeriod"/>.
/// </summary>
public sealed record LeaderElectionConfig
{
    public required string LeaseName { get; init; }

    public required string LeaseNamespace { get; init; }

    /// <summary>Unique per candidate, typically the pod name.</summary>
    public required string Identity { get; init; }

    /// <summary>How long non-leaders wait after last observing a change of the lease before taking it over.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps leading without a successful renew, measured from the last one.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time between attempts to acquire or renew.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Acquire attempts wait <c>RetryPeriod × (1 + random × JitterFactor)</c>, as client-go's JitterFactor.</summary>
    public double JitterFactor { get; init; } = 1.2;

    /// <summary>On shutdown, clear the holder so that another candidate takes over at once instead of after a lease duration.</summary>
    public bool ReleaseOnCancel { get; init; } = true;

    /// <summary>Runs when leadership is gained; its token is cancelled the moment leadership is lost.</summary>
    public Func<CancellationToken, Task>? OnStartedLeading { get; init; }

    /// <summary>Runs once after leadership that was held has ended.</summary>
    public Action? OnStoppedLeading { get; init; }

    /// <summary>Runs when the observed holder changes, this candidate included.</summary>
    public Action<string>? OnNewLeader { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> unless the timing rules hold and the names are set.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(LeaseName) || string.IsNullOrWhiteSpace(LeaseNamespace) || string.IsNullOrWhiteSpace(Identity))
        {
            throw new ArgumentException("lease name, lease namespace and identity are required");
        }

        if (RetryPeriod <= TimeSpan.Zero || JitterFactor < 0)
        {
            throw new ArgumentException("retry period must be positive and the jitter factor not negative");
        }

        if (LeaseDuration <= RenewDeadline)
        {
            throw new ArgumentException($"lease duration ({LeaseDuration}) must be greater than the renew deadline ({RenewDeadline})");
        }

        if (RenewDeadline <= RetryPeriod * JitterFactor)
        {
            throw new ArgumentException($"renew deadline ({RenewDeadline}) must be greater than {JitterFactor} × retry period ({RetryPeriod})");
        }

        if (LeaseDuration.TotalSeconds < 1)
        {
            throw new ArgumentException("lease duration must be at least one second: the Lease stores whole seconds");
        }
    }
}
