using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Spool.Kube;

/// <summary>Reads the subset of the kubeconfig format that client-go honours for one context.</summary>
internal static class KubeconfigLoader
{
    public static KubernetesClientConfiguration Load(string yaml, string baseDirectory, string? contextOverride, TimeProvider timeProvider)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new KubeConfigException($"kubeconfig is not valid YAML: {e.Message}", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new KubeConfigException("kubeconfig is empty");
        }

        var contextName = contextOverride ?? Scalar(root, "current-context");
        if (string.IsNullOrEmpty(contextName))
        {
            throw new KubeConfigException("kubeconfig has no current-context and none was given");
        }

        var context = Named(root, "contexts", "context", contextName)
            ?? throw new KubeConfigException($"kubeconfig has no context {contextName}");
        var clusterName = Scalar(context, "cluster") ?? throw new KubeConfigException($"context {contextName} names no cluster");
        var cluster = Named(root, "clusters", "cluster", clusterName)
            ?? throw new KubeConfigException($"kubeconfig has no cluster {clusterName}");
        var userName = Scalar(context, "user");
        var user = userName is null ? null : Named(root, "users", "user", userName);
        if (userName is not null && user is null)
        {
            throw new KubeConfigException($"kubeconfig has no user {userName}");
        }

        var server = Scalar(cluster, "server") ?? throw new KubeConfigException($"cluster {clusterName} has no server");
        if (!Uri.TryCreate(server, UriKind.Absolute, out var serverUri))
        {
            throw new KubeConfigException($"cluster {clusterName} server {server} is not an absolute URL");
        }

        var caData = Scalar(cluster, "certificate-authority-data");
        var caFile = Scalar(cluster, "certificate-authority");
        X509Certificate2Collection? authorities = null;
        if (!string.IsNullOrEmpty(caData))
        {
            authorities = PemCertificates.Authorities(DecodeBase64(caData, "certificate-authority-data"));
        }
        else if (!string.IsNullOrEmpty(caFile))
        {
            authorities = PemCertificates.Authorities(File.ReadAllText(Resolve(baseDirectory, caFile)));
        }

        var skipTls = Bool(cluster, "insecure-skip-tls-verify");
        var credentials = user is null ? null : Credentials(user, userName!, baseDirectory, timeProvider, server, caData, skipTls);
        var ns = Scalar(context, "namespace");
        return new KubernetesClientConfiguration
        {
            Server = serverUri,
            Namespace = string.IsNullOrEmpty(ns) ? "default" : ns,
            ContextName = contextName,
            Credentials = credentials,
            CertificateAuthorities = authorities,
            SkipTlsVerify = skipTls,
            TlsServerName = Scalar(cluster, "tls-server-name"),
            TimeProvider = timeProvider,
        };
    }

    private static ICredentialProvider? Credentials(
        YamlMappingNode user, string userName, string baseDirectory, TimeProvider timeProvider, string server, string? caData, bool skipTls)
    {
        if (user.Children.TryGetValue(new YamlScalarNode("exec"), out var execNode) && execNode is YamlMappingNode exec)
        {
            return new ExecCredentialProvider(Exec(exec, userName, baseDirectory, server, caData, skipTls), timeProvider);
        }

        if (user.Children.ContainsKey(new YamlScalarNode("auth-provider")))
        {
            throw new KubeConfigException($"user {userName} uses an auth-provider, which is not supported; use an exec plugin");
        }

        X509Certificate2? certificate = null;
        var certPem = DataOrFile(user, "client-certificate-data", "client-certificate", baseDirectory);
        var keyPem = DataOrFile(user, "client-key-data", "client-key", baseDirectory);
        if (certPem is not null || keyPem is not null)
        {
            if (certPem is null || keyPem is null)
            {
                throw new KubeConfigException($"user {userName} has a client certificate without a key, or a key without a certificate");
            }

            certificate = PemCertificates.ClientCertificate(certPem, keyPem);
        }

        var token = Scalar(user, "token");
        var tokenFile = Scalar(user, "tokenFile");
        if (string.IsNullOrEmpty(token) && !string.IsNullOrEmpty(tokenFile))
        {
            var provider = new TokenFileCredentialProvider(Resolve(baseDirectory, tokenFile), timeProvider);
            return certificate is null ? provider : new CertificateAndTokenProvider(certificate, provider);
        }

        if (string.IsNullOrEmpty(token) && certificate is null)
        {
            var username = Scalar(user, "username");
            if (!string.IsNullOrEmpty(username))
            {
                throw new KubeConfigException($"user {userName} uses basic authentication, which Kubernetes no longer supports");
            }

            return null;
        }

        return new StaticCredentialProvider(new KubeCredential(string.IsNullOrEmpty(token) ? null : token, certificate));
    }

    private static ExecCredentialConfig Exec(YamlMappingNode exec, string userName, string baseDirectory, string server, string? caData, bool skipTls)
    {
        var command = Scalar(exec, "command");
        if (string.IsNullOrEmpty(command))
        {
            throw new KubeConfigException($"user {userName} exec has no command");
        }

        var args = new List<string>();
        if (exec.Children.TryGetValue(new YamlScalarNode("args"), out var argsNode) && argsNode is YamlSequenceNode argList)
        {
            args.AddRange(argList.Children.OfType<YamlScalarNode>().Select(a => a.Value ?? ""));
        }

        var env = new Dictionary<string, string>();
        if (exec.Children.TryGetValue(new YamlScalarNode("env"), out var envNode) && envNode is YamlSequenceNode envList)
        {
            foreach (var item in envList.Children.OfType<YamlMappingNode>())
            {
                var name = Scalar(item, "name");
                if (!string.IsNullOrEmpty(name))
                {
                    env[name] = Scalar(item, "value") ?? "";
                }
            }
        }

        return new ExecCredentialConfig
        {
            ApiVersion = Scalar(exec, "apiVersion") ?? "client.authentication.k8s.io/v1",
            Command = command,
            Args = args,
            Env = env,
            InstallHint = Scalar(exec, "installHint"),
            ProvideClusterInfo = Bool(exec, "provideClusterInfo"),
            BaseDirectory = baseDirectory,
            ClusterServer = server,
            ClusterCertificateAuthorityData = caData,
            ClusterInsecureSkipTlsVerify = skipTls,
        };
    }

    private static string? DataOrFile(YamlMappingNode node, string dataKey, string fileKey, string baseDirectory)
    {
        var data = Scalar(node, dataKey);
        if (!string.IsNullOrEmpty(data))
        {
            return DecodeBase64(data, dataKey);
        }

        var file = Scalar(node, fileKey);
        return string.IsNullOrEmpty(file) ? null : File.ReadAllText(Resolve(baseDirectory, file));
    }

    private static string DecodeBase64(string value, string key)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(value.Trim()));
        }
        catch (FormatException e)
        {
            throw new KubeConfigException($"{key} is not base64", e);
        }
    }

    private static string Resolve(string baseDirectory, string path)
    {
        if (path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]);
        }

        return Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDirectory, path));
    }

    private static YamlMappingNode? Named(YamlMappingNode root, string listKey, string itemKey, string name)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode(listKey), out var listNode) || listNode is not YamlSequenceNode list)
        {
            return null;
        }

        foreach (var entry in list.Children.OfType<YamlMappingNode>())
        {
            if (Scalar(entry, "name") == name)
            {
                return entry.Children.TryGetValue(new YamlScalarNode(itemKey), out var item) && item is YamlMappingNode mapping
                    ? mapping
                    : new YamlMappingNode();
            }
        }

        return null;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static bool Bool(YamlMappingNode node, string key) =>
        string.Equals(Scalar(node, key), "true", StringComparison.OrdinalIgnoreCase);
}
