using System.Net;
using System.Text.Json.Nodes;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Testing;

namespace Spool.Kube.Tests;

public sealed class KubernetesClientTests
{
    private const string PodJson = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"spool","resourceVersion":"7"},"spec":{}}""";

    [Test]
    public async Task Get_builds_core_namespaced_path_and_sends_token()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, PodJson);
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        var pod = await client.GetAsync<Pod>("p", "spool");

        pod!.Metadata.ResourceVersion.Should().Be("7");
        var request = handler.Requests.Single();
        request.PathAndQuery.Should().Be("/api/v1/namespaces/spool/pods/p");
        request.Authorization.Should().Be("Bearer t0ken");
        client.RequestCount.Should().Be(1);
    }

    [Test]
    public async Task Get_returns_null_on_404()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.NotFound, FakeHttpHandler.Status(404, "NotFound", "pods \"p\" not found"));
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        (await client.GetAsync<Pod>("p")).Should().BeNull();
        handler.Requests.Single().PathAndQuery.Should().Be("/api/v1/namespaces/spool/pods/p", "the configured namespace is the default");
    }

    [Test]
    public void Paths_follow_group_version_scope_and_subresource()
    {
        KubePaths.Build(ResourceDescriptor.For<Node>(), "ignored", "n1").Should().Be("/api/v1/nodes/n1");
        KubePaths.Build(ResourceDescriptor.For<Lease>(), "kube-system", "l").Should().Be("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/l");
        KubePaths.Build(ResourceDescriptor.For<BackupJob>(), null).Should().Be("/apis/" + ResourceDescriptor.For<BackupJob>().Group + "/v1alpha1/backupjobs");
        KubePaths.Build(ResourceDescriptor.For<Pod>(), "a", "b", "status").Should().Be("/api/v1/namespaces/a/pods/b/status");
        var act = () => KubePaths.Build(ResourceDescriptor.For<Pod>(), "a", null, "status");
        act.Should().Throw<ArgumentException>();
    }

    [Test]
    public async Task List_sends_selectors_paging_and_resource_version()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, """{"metadata":{"resourceVersion":"9","continue":"abc"},"items":[]}""");
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        var list = await client.ListAsync<Pod>(null, new ListOptions { LabelSelector = "app=spool,tier in (a,b)", FieldSelector = "spec.nodeName=n1", Limit = 10, Continue = "x y", ResourceVersion = "0" });

        list.Metadata.Continue.Should().Be("abc");
        handler.Requests.Single().PathAndQuery.Should().Be(
            "/api/v1/pods?labelSelector=app%3Dspool%2Ctier%20in%20%28a%2Cb%29&fieldSelector=spec.nodeName%3Dn1&limit=10&continue=x%20y&resourceVersion=0");
    }

    [Test]
    public async Task ListAll_follows_continue_tokens()
    {
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.OK, """{"metadata":{"resourceVersion":"5","continue":"c1"},"items":[{"metadata":{"name":"a","namespace":"n"}}]}""")
            .Respond(HttpStatusCode.OK, """{"metadata":{"resourceVersion":"5","continue":"c2"},"items":[{"metadata":{"name":"b","namespace":"n"}}]}""")
            .Respond(HttpStatusCode.OK, """{"metadata":{"resourceVersion":"5"},"items":[{"metadata":{"name":"c","namespace":"n"}}]}""");
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        var list = await client.ListAllAsync<Pod>("n", new ListOptions { Limit = 1 });

        list.Items.Select(p => p.Metadata.Name).Should().Equal("a", "b", "c");
        list.Metadata.ResourceVersion.Should().Be("5");
        list.Metadata.Continue.Should().BeNull();
        handler.Requests.Select(r => r.PathAndQuery).Should().Equal(
            "/api/v1/namespaces/n/pods?limit=1",
            "/api/v1/namespaces/n/pods?limit=1&continue=c1",
            "/api/v1/namespaces/n/pods?limit=1&continue=c2");
    }

    [Test]
    public async Task Create_posts_to_collection_with_kind_and_namespace()
    {
        var handler = new FakeHttpHandler().Respond(r => FakeHttpHandler.Json(HttpStatusCode.Created, """{"metadata":{"name":"cm-x1","namespace":"spool"}}"""));
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        var created = await client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { GenerateName = "cm-" } });

        created.Metadata.Name.Should().Be("cm-x1");
        var request = handler.Requests.Single();
        request.Method.Should().Be(HttpMethod.Post);
        request.PathAndQuery.Should().Be("/api/v1/namespaces/spool/configmaps");
        var body = JsonNode.Parse(request.Body!)!;
        body["kind"]!.GetValue<string>().Should().Be("ConfigMap");
        body["apiVersion"]!.GetValue<string>().Should().Be("v1");
        body["metadata"]!["generateName"]!.GetValue<string>().Should().Be("cm-");
        body["metadata"]!["namespace"]!.GetValue<string>().Should().Be("spool");
    }

    [Test]
    public async Task Update_status_puts_to_status_subresource()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, PodJson);
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        await client.UpdateStatusAsync(new Pod { Metadata = new ObjectMeta { Name = "p", Namespace = "x", ResourceVersion = "7" } });

        var request = handler.Requests.Single();
        request.Method.Should().Be(HttpMethod.Put);
        request.PathAndQuery.Should().Be("/api/v1/namespaces/x/pods/p/status");
        JsonNode.Parse(request.Body!)!["metadata"]!["resourceVersion"]!.GetValue<string>().Should().Be("7");
    }

    [TestCase(KubePatchType.Merge, "application/merge-patch+json")]
    [TestCase(KubePatchType.Json, "application/json-patch+json")]
    [TestCase(KubePatchType.Apply, "application/apply-patch+yaml")]
    public async Task Patch_uses_the_patch_content_type(KubePatchType type, string contentType)
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, PodJson);
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        await client.PatchAsync<Pod>("p", "spool", new KubePatch(type, "{}", type == KubePatchType.Apply ? "spool" : null, type == KubePatchType.Apply), "status");

        var request = handler.Requests.Single();
        request.Method.Should().Be(HttpMethod.Patch);
        request.ContentType.Should().Be(contentType);
        request.PathAndQuery.Should().Be(type == KubePatchType.Apply
            ? "/api/v1/namespaces/spool/pods/p/status?fieldManager=spool&force=true"
            : "/api/v1/namespaces/spool/pods/p/status");
    }

    [Test]
    public async Task Delete_sends_preconditions_and_propagation_and_reports_absence()
    {
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.OK, """{"kind":"Status","status":"Success"}""")
            .Respond(HttpStatusCode.NotFound, FakeHttpHandler.Status(404, "NotFound", "gone"));
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        var first = await client.DeleteAsync<Pod>("p", "spool", new DeleteOptions { PropagationPolicy = "Foreground", PreconditionResourceVersion = "3", PreconditionUid = "u1", GracePeriodSeconds = 0 });
        var second = await client.DeleteAsync<Pod>("p", "spool");

        first.Should().BeTrue();
        second.Should().BeFalse();
        var body = JsonNode.Parse(handler.Requests.First().Body!)!;
        body["kind"]!.GetValue<string>().Should().Be("DeleteOptions");
        body["propagationPolicy"]!.GetValue<string>().Should().Be("Foreground");
        body["gracePeriodSeconds"]!.GetValue<long>().Should().Be(0);
        body["preconditions"]!["resourceVersion"]!.GetValue<string>().Should().Be("3");
        body["preconditions"]!["uid"]!.GetValue<string>().Should().Be("u1");
    }

    [TestCase(409, "Conflict", typeof(KubernetesConflictException))]
    [TestCase(409, "AlreadyExists", typeof(KubernetesAlreadyExistsException))]
    [TestCase(404, "NotFound", typeof(KubernetesNotFoundException))]
    [TestCase(410, "Expired", typeof(KubernetesGoneException))]
    [TestCase(422, "Invalid", typeof(KubernetesInvalidException))]
    [TestCase(403, "Forbidden", typeof(KubernetesApiException))]
    [TestCase(400, "BadRequest", typeof(KubernetesApiException))]
    public async Task Errors_are_typed_from_the_status_body(int code, string reason, Type expected)
    {
        var handler = new FakeHttpHandler().Respond((HttpStatusCode)code, FakeHttpHandler.Status(code, reason, "boom"));
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        var act = () => client.UpdateAsync(new Pod { Metadata = new ObjectMeta { Name = "p" } });

        var error = (await act.Should().ThrowAsync<KubernetesApiException>()).Which;
        error.GetType().Should().Be(expected);
        error.StatusCode.Should().Be((HttpStatusCode)code);
        error.Reason.Should().Be(reason);
        error.Message.Should().Be("boom");
        handler.Requests.Should().HaveCount(1, "4xx answers are never retried");
    }

    [Test]
    public async Task Invalid_errors_carry_causes()
    {
        var body = """{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Invalid","code":422,"message":"bad","details":{"name":"x","kind":"BackupJob","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.source"}]}}""";
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.UnprocessableEntity, body);
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        var act = () => client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "x" } });

        var error = (await act.Should().ThrowAsync<KubernetesInvalidException>()).Which;
        error.Causes.Should().ContainSingle().Which.Field.Should().Be("spec.source");
    }

    [Test]
    public async Task Non_json_error_bodies_still_produce_typed_errors()
    {
        var handler = new FakeHttpHandler().Respond(r => new HttpResponseMessage(HttpStatusCode.Conflict) { Content = new StringContent("<html>proxy says no</html>") });
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        var act = () => client.UpdateAsync(new Pod { Metadata = new ObjectMeta { Name = "p" } });

        var error = (await act.Should().ThrowAsync<KubernetesConflictException>()).Which;
        error.Status.Code.Should().Be(409);
        error.Status.Reason.Should().Be("Conflict");
        error.Message.Should().Contain("proxy says no");
    }

    [Test]
    public async Task Retries_429_honouring_retry_after()
    {
        var time = new ManualTimeProvider();
        var handler = new FakeHttpHandler()
            .Respond(_ =>
            {
                var response = FakeHttpHandler.Json(HttpStatusCode.TooManyRequests, FakeHttpHandler.Status(429, "TooManyRequests", "slow down"));
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
                return response;
            })
            .Respond(HttpStatusCode.OK, PodJson);
        using var client = new KubernetesClient(TestConfig.Fake(time), handler);

        var get = client.GetAsync<Pod>("p");
        await Eventually.True(() => time.ActiveTimers > 0 || get.IsCompleted);
        get.IsCompleted.Should().BeFalse();
        time.NextDue.Should().Be(time.GetUtcNow() + TimeSpan.FromSeconds(7), "Retry-After decides the delay");
        time.Advance(TimeSpan.FromSeconds(6));
        get.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(1));

        (await get)!.Metadata.Name.Should().Be("p");
        handler.Requests.Should().HaveCount(2);
        client.RequestCount.Should().Be(2);
    }

    [TestCase(500)]
    [TestCase(502)]
    [TestCase(503)]
    [TestCase(504)]
    public async Task Retries_5xx_then_succeeds(int code)
    {
        var handler = new FakeHttpHandler()
            .Respond((HttpStatusCode)code, FakeHttpHandler.Status(code, "InternalError", "oops"))
            .Respond((HttpStatusCode)code, "not json")
            .Respond(HttpStatusCode.OK, PodJson);
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        (await client.GetAsync<Pod>("p")).Should().NotBeNull();
        handler.Requests.Should().HaveCount(3);
    }

    [Test]
    public async Task Gives_up_after_max_retries_with_a_typed_error()
    {
        var handler = new FakeHttpHandler { Fallback = _ => FakeHttpHandler.Json(HttpStatusCode.ServiceUnavailable, FakeHttpHandler.Status(503, "ServiceUnavailable", "down")) };
        using var client = new KubernetesClient(TestConfig.Fake() with { MaxRetries = 3 }, handler);

        var act = () => client.GetAsync<Pod>("p");

        (await act.Should().ThrowAsync<KubernetesApiException>()).Which.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        handler.Requests.Should().HaveCount(4);
    }

    [Test]
    public async Task Retries_connection_errors()
    {
        var handler = new FakeHttpHandler()
            .Throw(new HttpRequestException(HttpRequestError.ConnectionError, "refused"))
            .Throw(new HttpRequestException(HttpRequestError.ResponseEnded, "reset"))
            .Respond(HttpStatusCode.OK, PodJson);
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        (await client.GetAsync<Pod>("p")).Should().NotBeNull();
        handler.Requests.Should().HaveCount(3);
    }

    [Test]
    public async Task Create_is_not_retried_when_the_server_may_have_applied_it()
    {
        var handler = new FakeHttpHandler()
            .Throw(new HttpRequestException(HttpRequestError.ResponseEnded, "reset after send"))
            .Respond(HttpStatusCode.InternalServerError, FakeHttpHandler.Status(500, "InternalError", "oops"));
        using var client = new KubernetesClient(TestConfig.Fake(), handler);
        var pod = new Pod { Metadata = new ObjectMeta { GenerateName = "p-" } };

        await FluentActions.Awaiting(() => client.CreateAsync(pod)).Should().ThrowAsync<HttpRequestException>();
        (await FluentActions.Awaiting(() => client.CreateAsync(pod)).Should().ThrowAsync<KubernetesApiException>()).Which.Status.Code.Should().Be(500);
        handler.Requests.Should().HaveCount(2);
    }

    [Test]
    public async Task Create_is_retried_when_the_request_never_left()
    {
        var handler = new FakeHttpHandler()
            .Throw(new HttpRequestException(HttpRequestError.ConnectionError, "refused"))
            .Respond(HttpStatusCode.TooManyRequests, FakeHttpHandler.Status(429, "TooManyRequests", "later"))
            .Respond(HttpStatusCode.Created, PodJson);
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        await client.CreateAsync(new Pod { Metadata = new ObjectMeta { Name = "p" } });
        handler.Requests.Should().HaveCount(3);
    }

    [Test]
    public async Task Unauthorized_refreshes_credentials_once()
    {
        var provider = new CountingProvider();
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.Unauthorized, FakeHttpHandler.Status(401, "Unauthorized", "expired"))
            .Respond(HttpStatusCode.OK, PodJson);
        using var client = new KubernetesClient(TestConfig.Fake() with { Credentials = provider }, handler);

        await client.GetAsync<Pod>("p");

        handler.Requests.Select(r => r.Authorization).Should().Equal("Bearer token-1", "Bearer token-2");
        provider.Refreshes.Should().Be(1);
    }

    [Test]
    public async Task Qps_limiter_spaces_requests_beyond_the_burst()
    {
        var time = new ManualTimeProvider();
        var handler = new FakeHttpHandler { Fallback = _ => FakeHttpHandler.Json(HttpStatusCode.OK, PodJson) };
        using var client = new KubernetesClient(TestConfig.Fake(time) with { Qps = 2, Burst = 3 }, handler);

        for (var i = 0; i < 3; i++)
        {
            await client.GetAsync<Pod>("p");
        }

        var fourth = client.GetAsync<Pod>("p");
        await Eventually.True(() => time.ActiveTimers > 0);
        fourth.IsCompleted.Should().BeFalse("the burst of 3 is spent");
        time.NextDue.Should().Be(time.GetUtcNow() + TimeSpan.FromMilliseconds(500), "2 qps refills a token every 500 ms");
        time.Advance(TimeSpan.FromMilliseconds(500));
        await fourth;
        handler.Requests.Should().HaveCount(4);
    }

    [Test]
    public async Task Untyped_resource_client_uses_the_descriptor()
    {
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.OK, """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}""")
            .Respond(HttpStatusCode.Created, """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w2"}}""");
        using var client = new KubernetesClient(TestConfig.Fake(), handler);
        var widgets = client.Resource(new ResourceDescriptor("example.com", "v1", "widgets", "Widget", true));

        var w = await widgets.GetAsync("w", "ns");
        var created = await widgets.CreateAsync(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "w2" } }, "ns");

        w!["kind"]!.GetValue<string>().Should().Be("Widget");
        created["metadata"]!["name"]!.GetValue<string>().Should().Be("w2");
        handler.Requests.First().PathAndQuery.Should().Be("/apis/example.com/v1/namespaces/ns/widgets/w");
        var body = JsonNode.Parse(handler.Requests.Last().Body!)!;
        body["apiVersion"]!.GetValue<string>().Should().Be("example.com/v1");
        body["kind"]!.GetValue<string>().Should().Be("Widget");
    }

    private sealed class CountingProvider : ICredentialProvider
    {
        private int _version = 1;

        public int Refreshes { get; private set; }

        public ValueTask<KubeCredential> GetCredentialAsync(bool forceRefresh, CancellationToken cancellationToken)
        {
            if (forceRefresh)
            {
                Refreshes++;
                _version++;
            }

            return ValueTask.FromResult(new KubeCredential($"token-{_version}"));
        }
    }
}
