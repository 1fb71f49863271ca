namespace Spool.ApiServer;

/// <summary>One request as it arrived, for <see cref="EmbeddedApiServerOptions.RequestObserver"/>: like an audit event at stage RequestReceived.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Request path, without the query.</param>
/// <param name="Query">Query string with its leading '?', or empty.</param>
/// <param name="UserAgent">The client's User-Agent header, or empty.</param>
public sealed record ApiRequestRecord(string Method, string Path, string Query, string UserAgent);
