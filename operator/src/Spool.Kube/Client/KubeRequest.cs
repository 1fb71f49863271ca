namespace Spool.Kube;

/// <summary>One logical API request; retried attempts rebuild the HTTP message from it.</summary>
internal sealed record KubeRequest(string Verb, HttpMethod Method, string PathAndQuery, string? Body = null, string? ContentType = null)
{
    /// <summary>
    /// A request that may not be repeated once the server could have seen it: POST (a retried create with generateName
    /// would make a second object) and JSON patch (operations such as add-to-array are not idempotent).
    /// </summary>
    public bool NonIdempotent => Method == HttpMethod.Post || ContentType == "application/json-patch+json";
}
