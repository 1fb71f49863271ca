namespace Spool.Kube.Tests;

public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Body, string? ContentType, string? Authorization)
{
    public string PathAndQuery => Uri.PathAndQuery;
}
