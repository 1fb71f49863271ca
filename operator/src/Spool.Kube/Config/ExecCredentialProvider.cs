using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spool.Kube;

/// <summary>
/// Runs a client-go exec credential plugin (client.authentication.k8s.io/v1 or v1beta1) and caches its answer until
/// <c>status.expirationTimestamp</c>, or until a 401 forces a refresh. Plugins without an expiry are run once.
/// </summary>
public sealed class ExecCredentialProvider : ICredentialProvider
{
    private static readonly TimeSpan ExpirySkew = TimeSpan.FromSeconds(10);
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private KubeCredential? _cached;
    private DateTimeOffset? _expiresAt;

    public ExecCredentialProvider(ExecCredentialConfig config, TimeProvider? timeProvider = null)
    {
        if (string.IsNullOrWhiteSpace(config.Command))
        {
            throw new ArgumentException("exec credential plugin has no command", nameof(config));
        }

        if (config.ApiVersion is not ("client.authentication.k8s.io/v1" or "client.authentication.k8s.io/v1beta1"))
        {
            throw new ArgumentException($"exec credential apiVersion {config.ApiVersion} is not supported", nameof(config));
        }

        Config = config;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public ExecCredentialConfig Config { get; }

    /// <summary>How many times the plugin ran; lets callers observe the cache.</summary>
    public int Invocations { get; private set; }

    public async ValueTask<KubeCredential> GetCredentialAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _timeProvider.GetUtcNow();
            if (_cached is not null && !forceRefresh && (_expiresAt is null || now < _expiresAt.Value - ExpirySkew))
            {
                return _cached;
            }

            var (credential, expiry) = await RunAsync(cancellationToken).ConfigureAwait(false);
            _cached = credential;
            _expiresAt = expiry;
            return credential;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(KubeCredential Credential, DateTimeOffset? Expiry)> RunAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            FileName = ResolveCommand(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in Config.Args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in Config.Env)
        {
            start.Environment[name] = value;
        }

        start.Environment["KUBERNETES_EXEC_INFO"] = ExecInfo();

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or FileNotFoundException)
        {
            var hint = Config.InstallHint is null ? "" : $": {Config.InstallHint}";
            throw new KubeConfigException($"exec credential plugin {Config.Command} could not be started{hint}", e);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout.ConfigureAwait(false);
        var errors = await stderr.ConfigureAwait(false);
        Invocations++;
        if (process.ExitCode != 0)
        {
            throw new KubeConfigException($"exec credential plugin {Config.Command} exited with {process.ExitCode}: {errors.Trim()}");
        }

        return Parse(output);
    }

    private (KubeCredential, DateTimeOffset?) Parse(string output)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(output) as JsonObject;
        }
        catch (JsonException e)
        {
            throw new KubeConfigException($"exec credential plugin {Config.Command} wrote invalid JSON", e);
        }

        var status = root?["status"] as JsonObject
            ?? throw new KubeConfigException($"exec credential plugin {Config.Command} wrote no status");
        var kind = root!["kind"]?.GetValue<string>();
        if (kind is not null && kind != "ExecCredential")
        {
            throw new KubeConfigException($"exec credential plugin {Config.Command} wrote kind {kind}, not ExecCredential");
        }

        var token = status["token"]?.GetValue<string>();
        var certPem = status["clientCertificateData"]?.GetValue<string>();
        var keyPem = status["clientKeyData"]?.GetValue<string>();
        if (string.IsNullOrEmpty(token) && (string.IsNullOrEmpty(certPem) || string.IsNullOrEmpty(keyPem)))
        {
            throw new KubeConfigException($"exec credential plugin {Config.Command} returned neither a token nor a client certificate and key");
        }

        var certificate = !string.IsNullOrEmpty(certPem) && !string.IsNullOrEmpty(keyPem)
            ? PemCertificates.ClientCertificate(certPem, keyPem)
            : null;
        DateTimeOffset? expiry = null;
        var expiryText = status["expirationTimestamp"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(expiryText))
        {
            expiry = DateTimeOffset.Parse(expiryText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        }

        return (new KubeCredential(string.IsNullOrEmpty(token) ? null : token, certificate), expiry);
    }

    private string ResolveCommand()
    {
        var command = Config.Command;
        if (command.Contains('/', StringComparison.Ordinal) && !Path.IsPathRooted(command) && Config.BaseDirectory is not null)
        {
            return Path.GetFullPath(Path.Combine(Config.BaseDirectory, command));
        }

        return command;
    }

    private string ExecInfo()
    {
        var spec = new JsonObject { ["interactive"] = false };
        if (Config.ProvideClusterInfo && Config.ClusterServer is not null)
        {
            var cluster = new JsonObject { ["server"] = Config.ClusterServer };
            if (Config.ClusterCertificateAuthorityData is not null)
            {
                cluster["certificate-authority-data"] = Config.ClusterCertificateAuthorityData;
            }

            if (Config.ClusterInsecureSkipTlsVerify)
            {
                cluster["insecure-skip-tls-verify"] = true;
            }

            spec["cluster"] = cluster;
        }

        var info = new JsonObject
        {
            ["apiVersion"] = Config.ApiVersion,
            ["kind"] = "ExecCredential",
            ["spec"] = spec,
        };
        return info.ToJsonString();
    }
}
