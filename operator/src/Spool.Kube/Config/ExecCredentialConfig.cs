namespace Spool.Kube;

/// <summary>The <c>users[].user.exec</c> block of a kubeconfig.</summary>
public sealed record ExecCredentialConfig
{
    public string ApiVersion { get; init; } = "client.authentication.k8s.io/v1";

    public string Command { get; init; } = "";

    public IReadOnlyList<string> Args { get; init; } = [];

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    public string? InstallHint { get; init; }

    public bool ProvideClusterInfo { get; init; }

    /// <summary>Directory of the kubeconfig that named the plugin; relative commands with a slash resolve against it.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Passed in <c>KUBERNETES_EXEC_INFO</c> when <see cref="ProvideClusterInfo"/> is set.</summary>
    public string? ClusterServer { get; init; }

    /// <summary>Base64 PEM, as in <c>certificate-authority-data</c>.</summary>
    public string? ClusterCertificateAuthorityData { get; init; }

    public bool ClusterInsecureSkipTlsVerify { get; init; }
}
