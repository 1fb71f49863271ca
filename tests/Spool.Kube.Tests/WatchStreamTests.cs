using System.IO.Pipelines;
using System.Net;
using System.Text;
using Spool.Api;
using Spool.Api.Core;

namespace Spool.Kube.Tests;

public sealed class WatchStreamTests
{
    [Test]
    public async Task Parses_every_event_type()
    {
        var text = """
            {"type":"ADDED","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","resourceVersion":"1"}}}
            {"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"2"}}}

            {"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"5"}}}
            {"type":"DELETED","object":{"metadata":{"name":"a","resourceVersion":"6"}}}
            {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 1 (6)","reason":"Expired","code":410}}
            """;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));

        var events = new List<WatchEvent<Pod>>();
        await foreach (var e in WatchStreamReader.ReadAsync<Pod>(stream))
        {
            events.Add(e);
        }

        events.Select(e => e.Type).Should().Equal(WatchEventType.Added, WatchEventType.Modified, WatchEventType.Bookmark, WatchEventType.Deleted, WatchEventType.Error);
        events[1].Object!.Metadata.ResourceVersion.Should().Be("2");
        events[2].Object!.Metadata.ResourceVersion.Should().Be("5");
        events[4].Object.Should().BeNull();
        events[4].Status!.Code.Should().Be(410);
        events[4].Status!.Reason.Should().Be("Expired");
    }

    [Test]
    public void Rejects_malformed_lines()
    {
        FluentActions.Invoking(() => WatchStreamReader.ParseLine<Pod>("{not json")).Should().Throw<WatchStreamException>();
        FluentActions.Invoking(() => WatchStreamReader.ParseLine<Pod>("""{"object":{}}""")).Should().Throw<WatchStreamException>();
        FluentActions.Invoking(() => WatchStreamReader.ParseLine<Pod>("""{"type":"SIDEWAYS","object":{}}""")).Should().Throw<WatchStreamException>();
    }

    [Test]
    public async Task Yields_each_event_as_soon_as_its_line_is_complete()
    {
        // A pipe stands in for the socket: nothing after the first newline has been written when the first event is read.
        var pipe = new Pipe();
        var reader = WatchStreamReader.ReadAsync<Pod>(pipe.Reader.AsStream()).GetAsyncEnumerator();
        var first = reader.MoveNextAsync();
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("""{"type":"ADDED","object":{"metadata":{"name":"a"}}}""" + "\n" + """{"type":"ADDED","obj"""));
        (await first.AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        reader.Current.Object!.Metadata.Name.Should().Be("a");

        var second = reader.MoveNextAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        second.IsCompleted.Should().BeFalse("the second line is incomplete");
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("""ect":{"metadata":{"name":"b"}}}""" + "\n"));
        (await second.AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        reader.Current.Object!.Metadata.Name.Should().Be("b");

        await pipe.Writer.CompleteAsync();
        (await reader.MoveNextAsync()).Should().BeFalse();
        await reader.DisposeAsync();
    }

    [Test]
    public async Task Client_watch_sends_the_query_and_streams_events()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, """
            {"type":"ADDED","object":{"metadata":{"name":"a","namespace":"n","resourceVersion":"11"}}}
            {"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"12"}}}
            """);
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        var events = new List<WatchEvent<Pod>>();
        await foreach (var e in client.WatchAsync<Pod>("n", new WatchOptions { ResourceVersion = "10", LabelSelector = "a=b", TimeoutSeconds = 30 }))
        {
            events.Add(e);
        }

        events.Should().HaveCount(2);
        handler.Requests.Single().PathAndQuery.Should().Be("/api/v1/namespaces/n/pods?watch=true&labelSelector=a%3Db&resourceVersion=10&allowWatchBookmarks=true&timeoutSeconds=30");
    }

    [Test]
    public async Task Client_watch_turns_an_http_410_into_an_error_event()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.Gone, FakeHttpHandler.Status(410, "Expired", "too old"));
        using var client = new KubernetesClient(TestConfig.Fake(), handler);

        var events = new List<WatchEvent<Pod>>();
        await foreach (var e in client.WatchAsync<Pod>())
        {
            events.Add(e);
        }

        events.Should().ContainSingle().Which.Status!.Code.Should().Be(410);
    }
}
