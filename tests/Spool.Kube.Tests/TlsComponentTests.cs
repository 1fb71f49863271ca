using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spool.Api.Core;

namespace Spool.Kube.Tests;

/// <summary>TLS as configured from a kubeconfig, against a loopback HTTPS server that reports the client certificate.</summary>
[Category("Component")]
public sealed class TlsComponentTests
{
    private TestCertificates _certs = null!;
    private WebApplication _app = null!;
    private Uri _server = null!;

    [OneTimeSetUp]
    public async Task StartHttpsServer()
    {
        _certs = new TestCertificates();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = _certs.Server,
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = (_, _, _) => true,
        })));
        _app = builder.Build();
        _app.Run(async context =>
        {
            var subject = context.Connection.ClientCertificate?.Subject ?? "anonymous";
            var auth = context.Request.Headers.Authorization.ToString();
            context.Response.ContentType = "application/json";
            var pod = new System.Text.Json.Nodes.JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["name"] = "p",
                    ["namespace"] = "default",
                    ["annotations"] = new System.Text.Json.Nodes.JsonObject { ["subject"] = subject, ["auth"] = auth },
                },
            };
            await context.Response.WriteAsync(pod.ToJsonString());
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _server = new Uri($"https://127.0.0.1:{new Uri(address).Port}");
    }

    [OneTimeTearDown]
    public async Task StopHttpsServer()
    {
        await _app.DisposeAsync();
        _certs.Dispose();
    }

    [Test]
    public async Task Ca_data_validates_the_server_and_the_client_certificate_is_presented()
    {
        using var client = Client($"""
                certificate-authority-data: {TestCertificates.Base64(_certs.CaPem)}
            """, $"""
                client-certificate-data: {TestCertificates.Base64(_certs.ClientPem)}
                client-key-data: {TestCertificates.Base64(_certs.ClientKeyPem)}
            """);

        var pod = (await client.GetAsync<Pod>("p"))!;

        pod.Metadata.Annotations!["subject"].Should().Be("CN=spool-client");
        pod.Metadata.Annotations["auth"].Should().BeEmpty();
    }

    [Test]
    public async Task Token_over_tls_with_the_ca()
    {
        using var client = Client($"""
                certificate-authority-data: {TestCertificates.Base64(_certs.CaPem)}
            """, """
                token: secret-token
            """);

        var pod = (await client.GetAsync<Pod>("p"))!;

        pod.Metadata.Annotations!["auth"].Should().Be("Bearer secret-token");
        pod.Metadata.Annotations["subject"].Should().Be("anonymous");
    }

    [Test]
    public async Task An_untrusted_server_is_refused_without_the_ca()
    {
        using var other = new TestCertificates();
        using var systemTrust = Client("", "    token: t\n");
        using var wrongCa = Client($"""
                certificate-authority-data: {TestCertificates.Base64(other.CaPem)}
            """, "    token: t\n");

        await FluentActions.Awaiting(() => systemTrust.GetAsync<Pod>("p")).Should().ThrowAsync<HttpRequestException>();
        await FluentActions.Awaiting(() => wrongCa.GetAsync<Pod>("p")).Should().ThrowAsync<HttpRequestException>();
    }

    [Test]
    public async Task A_name_mismatch_is_refused_even_with_the_ca()
    {
        using var client = Client($"""
                certificate-authority-data: {TestCertificates.Base64(_certs.CaPem)}
                tls-server-name: not-the-server.example
            """, "    token: t\n");

        await FluentActions.Awaiting(() => client.GetAsync<Pod>("p")).Should().ThrowAsync<HttpRequestException>();
    }

    [Test]
    public async Task Tls_server_name_is_the_name_checked()
    {
        using var client = Client($"""
                certificate-authority-data: {TestCertificates.Base64(_certs.CaPem)}
                tls-server-name: localhost
            """, "    token: t\n");

        (await client.GetAsync<Pod>("p")).Should().NotBeNull();
    }

    [Test]
    public async Task Insecure_skip_tls_verify_accepts_any_server()
    {
        using var client = Client("""
                insecure-skip-tls-verify: true
            """, "    token: t\n");

        (await client.GetAsync<Pod>("p")).Should().NotBeNull();
    }

    private KubernetesClient Client(string clusterExtra, string userExtra)
    {
        var yaml = $"""
            current-context: x
            clusters:
            - name: c
              cluster:
                server: {_server}
            {clusterExtra.TrimEnd()}
            contexts:
            - name: x
              context:
                cluster: c
                user: u
            users:
            - name: u
              user:
            {userExtra.TrimEnd()}
            """;
        var config = KubernetesClientConfiguration.FromKubeconfigText(yaml) with { MaxRetries = 0 };
        return new KubernetesClient(config);
    }
}
