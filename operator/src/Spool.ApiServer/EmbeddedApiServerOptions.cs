namespace Spool.ApiServer;

/// <summary>Settings for <see cref="EmbeddedApiServer"/>.</summary>
public sealed record EmbeddedApiServerOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>Where the kubeconfig for clients is written. Null writes it under the system temp folder.</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>Directory holding the snapshot and append-only log. Null keeps everything in memory.</summary>
    public string? PersistenceDirectory { get; init; }

    /// <summary>How many past watch events are kept for resumption; older resourceVersions get 410 Gone.</summary>
    public int WatchHistorySize { get; init; } = 10_000;

    /// <summary>Events buffered per watcher before a slow watcher is disconnected.</summary>
    public int WatchBufferSize { get; init; } = 10_000;

    /// <summary>Interval between BOOKMARK events for watches that ask for them.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest accepted request body; the real server's limit is 3 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 3 * 1024 * 1024;

    /// <summary>Static bearer token written into the kubeconfig. Requests are not authorised against it.</summary>
    public string BearerToken { get; init; } = "spool-embedded-token";

    /// <summary>Name used for the kubeconfig cluster, user and context.</summary>
    public string ContextName { get; init; } = "spool-embedded";

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Optional handler for pods/exec; without one, exec answers 501 NotImplemented.</summary>
    public IPodExecHandler? PodExecHandler { get; init; }

    /// <summary>Optional handler for pods/log; without one, log answers 501 NotImplemented.</summary>
    public IPodLogHandler? PodLogHandler { get; init; }

    /// <summary>
    /// Called for every request as it arrives, before it is handled (watches included), on the request's thread;
    /// it must be fast and must not throw. Benchmarks count a client's requests with it.
    /// </summary>
    public Action<ApiRequestRecord>? RequestObserver { get; init; }
}
