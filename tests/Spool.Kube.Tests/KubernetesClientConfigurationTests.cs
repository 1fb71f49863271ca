using Spool.Testing;

namespace Spool.Kube.Tests;

public sealed class KubernetesClientConfigurationTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory()
    {
        _dir = Path.Combine(Path.GetTempPath(), "spool-kube-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Reads_current_context_with_token_and_namespace()
    {
        var path = Write("config", """
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - name: c1
              cluster:
                server: https://10.0.0.1:6443
                insecure-skip-tls-verify: true
            - name: c2
              cluster:
                server: https://prod.example:443
            contexts:
            - name: dev
              context:
                cluster: c1
                user: alice
                namespace: backups
            - name: prod
              context:
                cluster: c2
                user: bob
            users:
            - name: alice
              user:
                token: alice-token
            - name: bob
              user:
                token: bob-token
            """);

        var dev = KubernetesClientConfiguration.FromKubeconfig(path);
        var prod = KubernetesClientConfiguration.FromKubeconfig(path, context: "prod");

        dev.Server.Should().Be(new Uri("https://10.0.0.1:6443"));
        dev.Namespace.Should().Be("backups");
        dev.SkipTlsVerify.Should().BeTrue();
        dev.ContextName.Should().Be("dev");
        (await dev.Credentials!.GetCredentialAsync(false, default)).Token.Should().Be("alice-token");
        prod.Server.Host.Should().Be("prod.example");
        prod.Namespace.Should().Be("default");
        prod.SkipTlsVerify.Should().BeFalse();
        (await prod.Credentials!.GetCredentialAsync(false, default)).Token.Should().Be("bob-token");
    }

    [Test]
    public void Missing_context_cluster_or_user_fail_with_a_clear_message()
    {
        var path = Write("config", """
            current-context: nowhere
            clusters: []
            contexts:
            - name: broken
              context:
                cluster: missing
                user: ghost
            """);

        FluentActions.Invoking(() => KubernetesClientConfiguration.FromKubeconfig(path))
            .Should().Throw<KubeConfigException>().WithMessage("*no context nowhere*");
        FluentActions.Invoking(() => KubernetesClientConfiguration.FromKubeconfig(path, "broken"))
            .Should().Throw<KubeConfigException>().WithMessage("*no cluster missing*");
        FluentActions.Invoking(() => KubernetesClientConfiguration.FromKubeconfig(Path.Combine(_dir, "absent")))
            .Should().Throw<KubeConfigException>().WithMessage("*does not exist*");
    }

    [Test]
    public void Kubeconfig_env_list_takes_the_first_file_and_falls_back_to_home()
    {
        var env = new Dictionary<string, string?> { ["KUBECONFIG"] = $"/a/first{Path.PathSeparator}/b/second", ["HOME"] = "/home/u" };
        KubernetesClientConfiguration.DefaultKubeconfigPath(k => env.GetValueOrDefault(k)).Should().Be("/a/first");
        env["KUBECONFIG"] = "";
        KubernetesClientConfiguration.DefaultKubeconfigPath(k => env.GetValueOrDefault(k)).Should().Be("/home/u/.kube/config");
    }

    [Test]
    public async Task Client_certificate_and_ca_as_data()
    {
        using var certs = new TestCertificates();
        var path = Write("config", $"""
            current-context: x
            clusters:
            - name: c
              cluster:
                server: https://127.0.0.1:1
                certificate-authority-data: {TestCertificates.Base64(certs.CaPem)}
                tls-server-name: api.internal
            contexts:
            - name: x
              context:
                cluster: c
                user: u
            users:
            - name: u
              user:
                client-certificate-data: {TestCertificates.Base64(certs.ClientPem)}
                client-key-data: {TestCertificates.Base64(certs.ClientKeyPem)}
            """);

        var config = KubernetesClientConfiguration.FromKubeconfig(path);

        config.CertificateAuthorities.Should().ContainSingle().Which.Thumbprint.Should().Be(certs.Ca.Thumbprint);
        config.TlsServerName.Should().Be("api.internal");
        var credential = await config.Credentials!.GetCredentialAsync(false, default);
        credential.Token.Should().BeNull();
        credential.ClientCertificate!.Thumbprint.Should().Be(certs.Client.Thumbprint);
        credential.ClientCertificate.HasPrivateKey.Should().BeTrue();
    }

    [Test]
    public async Task Client_certificate_ca_and_token_as_files_relative_to_the_kubeconfig()
    {
        using var certs = new TestCertificates();
        Write("ca.crt", certs.CaPem);
        Write("client.crt", certs.ClientPem);
        Write("client.key", certs.ClientKeyPem);
        Write("token", "file-token\n");
        var path = Write("config", """
            current-context: x
            clusters:
            - name: c
              cluster:
                server: https://127.0.0.1:1
                certificate-authority: ca.crt
            contexts:
            - name: x
              context: {cluster: c, user: u}
            users:
            - name: u
              user:
                client-certificate: client.crt
                client-key: client.key
                tokenFile: token
            """);

        var config = KubernetesClientConfiguration.FromKubeconfig(path);

        config.CertificateAuthorities.Should().ContainSingle();
        var credential = await config.Credentials!.GetCredentialAsync(false, default);
        credential.Token.Should().Be("file-token");
        credential.ClientCertificate!.Thumbprint.Should().Be(certs.Client.Thumbprint);
    }

    [Test]
    public void A_certificate_without_its_key_is_rejected()
    {
        using var certs = new TestCertificates();
        var path = Write("config", $"""
            current-context: x
            clusters:
            - name: c
              cluster:
                server: https://h:1
            contexts:
            - name: x
              context:
                cluster: c
                user: u
            users:
            - name: u
              user:
                client-certificate-data: {TestCertificates.Base64(certs.ClientPem)}
            """);

        FluentActions.Invoking(() => KubernetesClientConfiguration.FromKubeconfig(path))
            .Should().Throw<KubeConfigException>().WithMessage("*without a key*");
    }

    [Test]
    public async Task Token_file_is_reread_after_a_minute_or_on_demand()
    {
        var time = new ManualTimeProvider();
        var tokenPath = Write("token", "first");
        var provider = new TokenFileCredentialProvider(tokenPath, time);

        (await provider.GetCredentialAsync(false, default)).Token.Should().Be("first");
        await File.WriteAllTextAsync(tokenPath, "second");
        time.Advance(TimeSpan.FromSeconds(59));
        (await provider.GetCredentialAsync(false, default)).Token.Should().Be("first", "the file is read at most once a minute");
        time.Advance(TimeSpan.FromSeconds(1));
        (await provider.GetCredentialAsync(false, default)).Token.Should().Be("second");
        await File.WriteAllTextAsync(tokenPath, "third");
        (await provider.GetCredentialAsync(true, default)).Token.Should().Be("third", "a 401 forces a re-read");
    }

    [Test]
    public async Task In_cluster_reads_environment_token_ca_and_namespace()
    {
        using var certs = new TestCertificates();
        Write("token", "sa-token");
        Write("ca.crt", certs.CaPem);
        Write("namespace", "spool-system\n");
        var env = new Dictionary<string, string?> { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" };

        KubernetesClientConfiguration.IsInCluster(k => env.GetValueOrDefault(k)).Should().BeTrue();
        var config = KubernetesClientConfiguration.FromInCluster(_dir, k => env.GetValueOrDefault(k));

        config.Server.Should().Be(new Uri("https://10.96.0.1:443"));
        config.Namespace.Should().Be("spool-system");
        config.CertificateAuthorities.Should().ContainSingle();
        (await config.Credentials!.GetCredentialAsync(false, default)).Token.Should().Be("sa-token");
        config.Credentials.Should().BeOfType<TokenFileCredentialProvider>();
    }

    [Test]
    public void In_cluster_without_environment_or_token_fails()
    {
        KubernetesClientConfiguration.IsInCluster(_ => null).Should().BeFalse();
        FluentActions.Invoking(() => KubernetesClientConfiguration.FromInCluster(_dir, _ => null))
            .Should().Throw<KubeConfigException>().WithMessage("*KUBERNETES_SERVICE_HOST*");
        var env = new Dictionary<string, string?> { ["KUBERNETES_SERVICE_HOST"] = "fd00::1", ["KUBERNETES_SERVICE_PORT"] = "443" };
        FluentActions.Invoking(() => KubernetesClientConfiguration.FromInCluster(_dir, k => env.GetValueOrDefault(k)))
            .Should().Throw<KubeConfigException>().WithMessage("*token*");
        Write("token", "t");
        KubernetesClientConfiguration.FromInCluster(_dir, k => env.GetValueOrDefault(k)).Server.Should().Be(new Uri("https://[fd00::1]:443"));
    }

    [Test]
    public async Task Exec_plugin_runs_with_args_env_and_exec_info_and_is_cached_until_expiry()
    {
        var time = new ManualTimeProvider(DateTimeOffset.Parse("2030-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        WriteScript("plugin.sh", """
            #!/bin/sh
            dir=$(dirname "$0")
            echo "$KUBERNETES_EXEC_INFO" > "$dir/exec-info.json"
            n=$(cat "$dir/count" 2>/dev/null || echo 0)
            n=$((n+1))
            echo $n > "$dir/count"
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s-%s-%s","expirationTimestamp":"2030-01-01T00:10:00Z"}}' "$1" "$GREETING" "$n"
            """);
        var path = Write("config", """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://h:1"}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./plugin.sh
                  args: [tok]
                  env:
                  - name: GREETING
                    value: hello
                  provideClusterInfo: true
                  interactiveMode: Never
            """);

        var config = KubernetesClientConfiguration.FromKubeconfig(path, timeProvider: time);
        var provider = (ExecCredentialProvider)config.Credentials!;

        (await provider.GetCredentialAsync(false, default)).Token.Should().Be("tok-hello-1");
        time.Advance(TimeSpan.FromMinutes(5));
        (await provider.GetCredentialAsync(false, default)).Token.Should().Be("tok-hello-1", "the credential is cached until it expires");
        time.Advance(TimeSpan.FromMinutes(5));
        (await provider.GetCredentialAsync(false, default)).Token.Should().Be("tok-hello-2");
        (await provider.GetCredentialAsync(true, default)).Token.Should().Be("tok-hello-3", "a 401 forces a new run");
        provider.Invocations.Should().Be(3);
        var info = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "exec-info.json")))!;
        info["kind"]!.GetValue<string>().Should().Be("ExecCredential");
        info["apiVersion"]!.GetValue<string>().Should().Be("client.authentication.k8s.io/v1");
        info["spec"]!["interactive"]!.GetValue<bool>().Should().BeFalse();
        info["spec"]!["cluster"]!["server"]!.GetValue<string>().Should().Be("https://h:1");
    }

    [Test]
    public async Task Exec_plugin_v1beta1_may_return_a_client_certificate()
    {
        using var certs = new TestCertificates();
        var status = new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "client.authentication.k8s.io/v1beta1",
            ["kind"] = "ExecCredential",
            ["status"] = new System.Text.Json.Nodes.JsonObject { ["clientCertificateData"] = certs.ClientPem, ["clientKeyData"] = certs.ClientKeyPem },
        };
        Write("credential.json", status.ToJsonString());
        WriteScript("cert.sh", "#!/bin/sh\ncat \"$(dirname \"$0\")/credential.json\"\n");
        var provider = new ExecCredentialProvider(new ExecCredentialConfig
        {
            ApiVersion = "client.authentication.k8s.io/v1beta1",
            Command = Path.Combine(_dir, "cert.sh"),
        });

        var credential = await provider.GetCredentialAsync(false, default);

        credential.Token.Should().BeNull();
        credential.ClientCertificate!.Thumbprint.Should().Be(certs.Client.Thumbprint);
        (await provider.GetCredentialAsync(false, default)).Should().BeSameAs(credential, "a credential without expiry is kept");
    }

    [Test]
    public async Task Exec_plugin_failures_are_reported()
    {
        WriteScript("fail.sh", "#!/bin/sh\necho 'no login' >&2\nexit 3\n");
        WriteScript("garbage.sh", "#!/bin/sh\necho 'not json'\n");
        var failing = new ExecCredentialProvider(new ExecCredentialConfig { Command = Path.Combine(_dir, "fail.sh") });
        var garbage = new ExecCredentialProvider(new ExecCredentialConfig { Command = Path.Combine(_dir, "garbage.sh") });
        var missing = new ExecCredentialProvider(new ExecCredentialConfig { Command = Path.Combine(_dir, "absent"), InstallHint = "install the thing" });

        await FluentActions.Awaiting(async () => await failing.GetCredentialAsync(false, default)).Should().ThrowAsync<KubeConfigException>().WithMessage("*exited with 3: no login*");
        await FluentActions.Awaiting(async () => await garbage.GetCredentialAsync(false, default)).Should().ThrowAsync<KubeConfigException>().WithMessage("*invalid JSON*");
        await FluentActions.Awaiting(async () => await missing.GetCredentialAsync(false, default)).Should().ThrowAsync<KubeConfigException>().WithMessage("*install the thing*");
        FluentActions.Invoking(() => new ExecCredentialProvider(new ExecCredentialConfig { ApiVersion = "client.authentication.k8s.io/v1alpha1", Command = "x" }))
            .Should().Throw<ArgumentException>();
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string WriteScript(string name, string content)
    {
        var path = Write(name, content.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (OperatingSystem.IsWindows())
        {
            Assert.Fail("exec plugin tests run shell scripts and need a Unix host");
        }
        else
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }
}
