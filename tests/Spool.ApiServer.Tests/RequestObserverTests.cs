using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Spool.Testing;

namespace Spool.ApiServer.Tests;

public sealed class RequestObserverTests
{
    [Test]
    public async Task Every_request_reaches_the_observer_with_its_method_path_query_and_user_agent_even_when_it_fails()
    {
        var seen = new ConcurrentQueue<ApiRequestRecord>();
        await using var server = await ApiServerFixture.StartAsync(configure: o => o with { RequestObserver = seen.Enqueue });
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("spool-operator", "1.0"));

        await Api.CreateOkAsync(client, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("observed"));
        using var missing = await client.GetAsync(new Uri("/api/v1/namespaces/default/configmaps/absent?pretty=true", UriKind.Relative));

        seen.Should().ContainEquivalentOf(new ApiRequestRecord("POST", "/api/v1/namespaces/default/configmaps", "", "spool-operator/1.0"));
        seen.Should().ContainEquivalentOf(new ApiRequestRecord("GET", "/api/v1/namespaces/default/configmaps/absent", "?pretty=true", "spool-operator/1.0"));
        missing.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
    }
}
