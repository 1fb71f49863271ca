using System.Security.Cryptography.X509Certificates;

namespace Spool.Kube;

/// <summary>
/// Where the API server is and how to authenticate to it, plus the client's own limits. Build one with
/// <see cref="FromDefault"/>, <see cref="FromInCluster"/> or <see cref="FromKubeconfig"/>, then adjust with <c>with</c>.
/// </summary>
public sealed record KubernetesClientConfiguration
{
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public required Uri Server { get; init; }

    /// <summary>The namespace of the kubeconfig context, or of the pod in cluster; "default" otherwise.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>The kubeconfig context used, if any.</summary>
    public string? ContextName { get; init; }

    public ICredentialProvider? Credentials { get; init; }

    /// <summary>Trust exactly these authorities for the server certificate; null trusts the system store.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    public bool SkipTlsVerify { get; init; }

    /// <summary>
    /// Overrides the name checked in the server certificate (kubeconfig <c>tls-server-name</c>). Unlike client-go, the SNI
    /// sent is still the server URL's host.
    /// </summary>
    public string? TlsServerName { get; init; }

    /// <summary>Client-side limit on the sustained request rate; 0 or less disables the limiter.</summary>
    public double Qps { get; init; } = 50;

    public int Burst { get; init; } = 100;

    /// <summary>Retries after the first attempt on 429, 5xx and connection errors.</summary>
    public int MaxRetries { get; init; } = 5;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A server's Retry-After is honoured up to this long; longer asks are cut to it.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Timeout of one non-watch request attempt.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public string UserAgent { get; init; } = "spool/0.1";

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>True when <c>KUBERNETES_SERVICE_HOST</c> and <c>KUBERNETES_SERVICE_PORT</c> are set.</summary>
    public static bool IsInCluster(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return !string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST")) && !string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_PORT"));
    }

    /// <summary>In cluster when the service environment says so, otherwise the kubeconfig.</summary>
    public static KubernetesClientConfiguration FromDefault(string? context = null) =>
        IsInCluster() ? FromInCluster() : FromKubeconfig(context: context);

    /// <summary>
    /// The pod's service account. The token file is re-read at most once a minute and after every 401, because the
    /// kubelet rotates projected tokens.
    /// </summary>
    public static KubernetesClientConfiguration FromInCluster(
        string serviceAccountDirectory = ServiceAccountDirectory,
        Func<string, string?>? environment = null,
        TimeProvider? timeProvider = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var host = environment("KUBERNETES_SERVICE_HOST");
        var port = environment("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeConfigException("not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set");
        }

        var tokenPath = Path.Combine(serviceAccountDirectory, "token");
        if (!File.Exists(tokenPath))
        {
            throw new KubeConfigException($"service account token {tokenPath} does not exist");
        }

        var hostPart = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        var caPath = Path.Combine(serviceAccountDirectory, "ca.crt");
        var namespacePath = Path.Combine(serviceAccountDirectory, "namespace");
        var time = timeProvider ?? TimeProvider.System;
        return new KubernetesClientConfiguration
        {
            Server = new Uri($"https://{hostPart}:{port}"),
            Namespace = File.Exists(namespacePath) ? File.ReadAllText(namespacePath).Trim() : "default",
            Credentials = new TokenFileCredentialProvider(tokenPath, time),
            CertificateAuthorities = File.Exists(caPath) ? PemCertificates.Authorities(File.ReadAllText(caPath)) : null,
            TimeProvider = time,
        };
    }

    /// <summary>
    /// A kubeconfig: <paramref name="path"/>, else the first file of <c>KUBECONFIG</c> (a colon-separated list; unlike
    /// kubectl, Spool does not merge the files — the first one wins), else <c>~/.kube/config</c>.
    /// </summary>
    public static KubernetesClientConfiguration FromKubeconfig(
        string? path = null,
        string? context = null,
        Func<string, string?>? environment = null,
        TimeProvider? timeProvider = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        path ??= DefaultKubeconfigPath(environment);
        if (!File.Exists(path))
        {
            throw new KubeConfigException($"kubeconfig {path} does not exist");
        }

        return KubeconfigLoader.Load(File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", context, timeProvider ?? TimeProvider.System);
    }

    /// <summary>A kubeconfig given as text; relative file references resolve against <paramref name="baseDirectory"/>.</summary>
    public static KubernetesClientConfiguration FromKubeconfigText(string yaml, string? context = null, string? baseDirectory = null, TimeProvider? timeProvider = null) =>
        KubeconfigLoader.Load(yaml, baseDirectory ?? Directory.GetCurrentDirectory(), context, timeProvider ?? TimeProvider.System);

    public static string DefaultKubeconfigPath(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var list = environment("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(list))
        {
            var first = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            if (first is not null)
            {
                return first;
            }
        }

        var home = environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".kube", "config");
    }
}
