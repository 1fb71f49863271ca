using System.Net;

namespace Spool.Kube;

/// <summary>A 429 or 5xx answer, raised inside the retry pipeline and turned into a typed error when retries run out.</summary>
internal sealed class RetryableResponseException(HttpStatusCode statusCode, string body, TimeSpan? retryAfter)
    : Exception($"the server responded with {(int)statusCode}")
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    public string Body { get; } = body;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
