using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Spool.Kube.Tests;

/// <summary>An HttpMessageHandler that answers from a script and records what it was sent.</summary>
public sealed class FakeHttpHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, Task<HttpResponseMessage>>> _script = new();

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Answers requests once the script is empty; null fails the test loudly.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage>? Fallback { get; set; }

    public static HttpResponseMessage Json(HttpStatusCode code, string body) =>
        new(code) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    public static string Status(int code, string reason, string message) =>
        $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"{{message}}","reason":"{{reason}}","code":{{code}}}""";

    public FakeHttpHandler Respond(HttpStatusCode code, string body)
    {
        _script.Enqueue(_ => Task.FromResult(Json(code, body)));
        return this;
    }

    public FakeHttpHandler Respond(Func<HttpRequestMessage, HttpResponseMessage> responder)
    {
        _script.Enqueue(r => Task.FromResult(responder(r)));
        return this;
    }

    public FakeHttpHandler Throw(Exception exception)
    {
        _script.Enqueue(_ => Task.FromException<HttpResponseMessage>(exception));
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue(new RecordedRequest(
            request.Method,
            request.RequestUri!,
            body,
            request.Content?.Headers.ContentType?.MediaType,
            request.Headers.Authorization?.ToString()));
        if (_script.TryDequeue(out var next))
        {
            return await next(request);
        }

        if (Fallback is not null)
        {
            return Fallback(request);
        }

        throw new InvalidOperationException($"unexpected request {request.Method} {request.RequestUri}");
    }
}
