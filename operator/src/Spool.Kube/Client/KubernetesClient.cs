using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Spool.Api;

namespace Spool.Kube;

/// <summary>
/// <see cref="IKubernetesClient"/> over HttpClient. Every attempt waits for the client-side token bucket
/// (<see cref="KubernetesClientConfiguration.Qps"/>/<see cref="KubernetesClientConfiguration.Burst"/>), then goes through a
/// Polly retry with jittered exponential backoff on 429 (honouring Retry-After), 5xx and connection errors. Other 4xx
/// answers are never retried and surface as typed <see cref="KubernetesApiException"/>s.
/// </summary>
/// <remarks>
/// Idempotency: POST and JSON patch are retried only when the request cannot have reached the server (connection not
/// established, 429, 503). A create retried after it succeeded answers 409 AlreadyExists, surfaced as
/// <see cref="KubernetesAlreadyExistsException"/>; a replace carries its resourceVersion, so a repeat answers 409 Conflict.
/// </remarks>
public sealed class KubernetesClient : IKubernetesClient, IDisposable
{
    private static readonly ResiliencePropertyKey<KubeRequest> RequestKey = new("spool.kube.request");
    private readonly ConcurrentDictionary<Type, ResourceDescriptor> _descriptors = new();
    private readonly ConcurrentDictionary<string, long> _requestsByVerb = new(StringComparer.Ordinal);
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly TokenBucket? _limiter;
    private readonly ResiliencePipeline _pipeline;
    private readonly ClientCertificateHolder _certificate;
    private readonly string _baseUrl;
    private long _requestCount;

    public KubernetesClient(KubernetesClientConfiguration configuration, ILogger? logger = null)
        : this(configuration, null, logger)
    {
    }

    /// <summary>With an explicit transport; tests pass a fake handler. The handler is disposed with the client.</summary>
    public KubernetesClient(KubernetesClientConfiguration configuration, HttpMessageHandler? handler, ILogger? logger = null)
    {
        Configuration = configuration;
        _logger = logger ?? NullLogger.Instance;
        _certificate = new ClientCertificateHolder();
        if (configuration.Credentials is StaticCredentialProvider { Credential.ClientCertificate: { } staticCertificate })
        {
            _certificate.Current = staticCertificate;
        }

        _http = new HttpClient(handler ?? CreateHandler(configuration, _certificate), disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(configuration.UserAgent);
        _baseUrl = configuration.Server.AbsoluteUri.TrimEnd('/');
        _limiter = configuration.Qps > 0 ? new TokenBucket(configuration.Qps, Math.Max(1, configuration.Burst), configuration.TimeProvider) : null;
        _pipeline = BuildPipeline(configuration);
    }

    public KubernetesClientConfiguration Configuration { get; }

    /// <summary>The namespace used when a namespaced call names none.</summary>
    public string DefaultNamespace => Configuration.Namespace;

    /// <summary>HTTP requests sent by this client instance, retries and watches included.</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>Requests by verb (get, list, watch, create, update, patch, delete).</summary>
    public IReadOnlyDictionary<string, long> RequestCountByVerb => new Dictionary<string, long>(_requestsByVerb, StringComparer.Ordinal);

    public static SocketsHttpHandler CreateHandler(KubernetesClientConfiguration configuration) =>
        CreateHandler(configuration, new ClientCertificateHolder
        {
            Current = (configuration.Credentials as StaticCredentialProvider)?.Credential.ClientCertificate,
        });

    public async Task<T?> GetAsync<T>(string name, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject =>
        await GetCoreAsync<T>(Descriptor<T>(), name, @namespace, cancellationToken).ConfigureAwait(false);

    public Task<EntityList<T>> ListAsync<T>(string? @namespace = null, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject =>
        ListCoreAsync<T>(Descriptor<T>(), @namespace, options, cancellationToken);

    public Task<EntityList<T>> ListAllAsync<T>(string? @namespace = null, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject =>
        ListAllCoreAsync<T>(Descriptor<T>(), @namespace, options, cancellationToken);

    public Task<T> CreateAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        ArgumentNullException.ThrowIfNull(entity);
        return CreateCoreAsync<T>(Descriptor<T>(), ToJson(entity), entity.Metadata.Namespace, cancellationToken);
    }

    public Task<T> UpdateAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        ArgumentNullException.ThrowIfNull(entity);
        return UpdateCoreAsync<T>(Descriptor<T>(), ToJson(entity), null, cancellationToken);
    }

    public Task<T> UpdateStatusAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        ArgumentNullException.ThrowIfNull(entity);
        return UpdateCoreAsync<T>(Descriptor<T>(), ToJson(entity), "status", cancellationToken);
    }

    public Task<T> PatchAsync<T>(string name, string? @namespace, KubePatch patch, string? subresource = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject =>
        PatchCoreAsync<T>(Descriptor<T>(), name, @namespace, patch, subresource, cancellationToken);

    public Task<bool> DeleteAsync<T>(string name, string? @namespace = null, DeleteOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject =>
        DeleteCoreAsync(Descriptor<T>(), name, @namespace, options, cancellationToken);

    public IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string? @namespace = null, WatchOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject =>
        WatchCoreAsync<T>(Descriptor<T>(), @namespace, options, cancellationToken);

    public IResourceClient Resource(ResourceDescriptor resource) => new ResourceClient(this, resource);

    public void Dispose() => _http.Dispose();

    internal async Task<T?> GetCoreAsync<T>(ResourceDescriptor resource, string name, string? @namespace, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        try
        {
            var body = await SendAsync(new KubeRequest("get", HttpMethod.Get, KubePaths.Build(resource, ObjectNamespace(resource, @namespace), name)), cancellationToken).ConfigureAwait(false);
            return Deserialize<T>(body);
        }
        catch (KubernetesNotFoundException)
        {
            return null;
        }
    }

    internal async Task<EntityList<T>> ListCoreAsync<T>(ResourceDescriptor resource, string? @namespace, ListOptions? options, CancellationToken cancellationToken)
    {
        var path = KubePaths.Build(resource, resource.Namespaced ? @namespace : null) + KubePaths.ListQuery(options);
        var body = await SendAsync(new KubeRequest("list", HttpMethod.Get, path), cancellationToken).ConfigureAwait(false);
        return Deserialize<EntityList<T>>(body);
    }

    internal async Task<EntityList<T>> ListAllCoreAsync<T>(ResourceDescriptor resource, string? @namespace, ListOptions? options, CancellationToken cancellationToken)
    {
        options ??= new ListOptions();
        var first = await ListCoreAsync<T>(resource, @namespace, options, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(first.Metadata.Continue))
        {
            return first;
        }

        var items = new List<T>(first.Items);
        var next = first.Metadata.Continue;
        while (!string.IsNullOrEmpty(next))
        {
            // The continue token pins the snapshot; a resourceVersion next to it is rejected by the server.
            var page = await ListCoreAsync<T>(resource, @namespace, options with { Continue = next, ResourceVersion = null }, cancellationToken).ConfigureAwait(false);
            items.AddRange(page.Items);
            next = page.Metadata.Continue;
        }

        return first with { Items = items, Metadata = first.Metadata with { Continue = null, RemainingItemCount = null } };
    }

    internal async Task<T> CreateCoreAsync<T>(ResourceDescriptor resource, JsonObject entity, string? @namespace, CancellationToken cancellationToken)
    {
        Stamp(resource, entity);
        var ns = resource.Namespaced ? (@namespace ?? MetadataString(entity, "namespace") ?? Configuration.Namespace) : null;
        if (ns is not null && entity["metadata"] is JsonObject metadata && metadata["namespace"] is null)
        {
            metadata["namespace"] = ns;
        }

        var body = await SendAsync(
            new KubeRequest("create", HttpMethod.Post, KubePaths.Build(resource, ns), entity.ToJsonString(KubeJson.Options), "application/json"),
            cancellationToken).ConfigureAwait(false);
        return Deserialize<T>(body);
    }

    internal async Task<T> UpdateCoreAsync<T>(ResourceDescriptor resource, JsonObject entity, string? subresource, CancellationToken cancellationToken)
    {
        Stamp(resource, entity);
        var name = MetadataString(entity, "name");
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("an update needs metadata.name", nameof(entity));
        }

        var ns = ObjectNamespace(resource, MetadataString(entity, "namespace"));
        var body = await SendAsync(
            new KubeRequest("update", HttpMethod.Put, KubePaths.Build(resource, ns, name, subresource), entity.ToJsonString(KubeJson.Options), "application/json"),
            cancellationToken).ConfigureAwait(false);
        return Deserialize<T>(body);
    }

    internal async Task<T> PatchCoreAsync<T>(ResourceDescriptor resource, string name, string? @namespace, KubePatch patch, string? subresource, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(patch);
        var query = KubePaths.Query(("fieldManager", patch.FieldManager), ("force", patch.Type == KubePatchType.Apply && patch.Force ? "true" : null));
        var path = KubePaths.Build(resource, ObjectNamespace(resource, @namespace), name, subresource) + query;
        var body = await SendAsync(new KubeRequest("patch", HttpMethod.Patch, path, patch.Body, patch.ContentType), cancellationToken).ConfigureAwait(false);
        return Deserialize<T>(body);
    }

    internal async Task<bool> DeleteCoreAsync(ResourceDescriptor resource, string name, string? @namespace, DeleteOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string? body = null;
        if (options is not null)
        {
            var json = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "DeleteOptions" };
            if (options.PropagationPolicy is not null)
            {
                json["propagationPolicy"] = options.PropagationPolicy;
            }

            if (options.GracePeriodSeconds is { } grace)
            {
                json["gracePeriodSeconds"] = grace;
            }

            if (options.PreconditionUid is not null || options.PreconditionResourceVersion is not null)
            {
                var preconditions = new JsonObject();
                if (options.PreconditionUid is not null)
                {
                    preconditions["uid"] = options.PreconditionUid;
                }

                if (options.PreconditionResourceVersion is not null)
                {
                    preconditions["resourceVersion"] = options.PreconditionResourceVersion;
                }

                json["preconditions"] = preconditions;
            }

            body = json.ToJsonString();
        }

        try
        {
            await SendAsync(
                new KubeRequest("delete", HttpMethod.Delete, KubePaths.Build(resource, ObjectNamespace(resource, @namespace), name), body, body is null ? null : "application/json"),
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KubernetesNotFoundException)
        {
            return false;
        }
    }

    internal async IAsyncEnumerable<WatchEvent<T>> WatchCoreAsync<T>(
        ResourceDescriptor resource, string? @namespace, WatchOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = KubePaths.Build(resource, resource.Namespaced ? @namespace : null) + KubePaths.WatchQuery(options);
        HttpResponseMessage? response = null;
        ApiStatus? gone = null;
        try
        {
            response = await ExecuteAsync(new KubeRequest("watch", HttpMethod.Get, path), streaming: true, static (r, _) => ValueTask.FromResult(r), cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesGoneException e)
        {
            // Some servers refuse a too-old resourceVersion with an HTTP 410 rather than an ERROR event; both reach the
            // caller the same way so that one code path relists.
            gone = e.Status;
        }

        if (gone is not null)
        {
            yield return new WatchEvent<T>(WatchEventType.Error, default, gone);
            yield break;
        }

        using (response)
        {
            var stream = await response!.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await foreach (var item in WatchStreamReader.ReadAsync<T>(stream, cancellationToken).ConfigureAwait(false))
                {
                    yield return item;
                }
            }
        }
    }

    internal Task<string> SendAsync(KubeRequest request, CancellationToken cancellationToken) =>
        ExecuteAsync(request, streaming: false, static async (response, token) =>
        {
            using (response)
            {
                return await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
            }
        }, cancellationToken);

    private async Task<TResult> ExecuteAsync<TResult>(
        KubeRequest request, bool streaming, Func<HttpResponseMessage, CancellationToken, ValueTask<TResult>> consume, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            return await _pipeline.ExecuteAsync(
                async (ctx, state) => await AttemptAsync(state.request, state.streaming, state.consume, ctx.CancellationToken).ConfigureAwait(false),
                context,
                (request, streaming, consume)).ConfigureAwait(false);
        }
        catch (RetryableResponseException e)
        {
            throw KubernetesErrors.FromResponse(e.StatusCode, e.Body);
        }
        catch (TimeoutException e)
        {
            throw new KubernetesApiException(HttpStatusCode.GatewayTimeout, new ApiStatus
            {
                Status = "Failure",
                Code = 504,
                Reason = "Timeout",
                Message = e.Message,
            });
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<TResult> AttemptAsync<TResult>(
        KubeRequest request, bool streaming, Func<HttpResponseMessage, CancellationToken, ValueTask<TResult>> consume, CancellationToken cancellationToken)
    {
        if (_limiter is not null)
        {
            await _limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        using var timeout = streaming ? null : new CancellationTokenSource(Configuration.RequestTimeout, Configuration.TimeProvider);
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked?.Token ?? cancellationToken;
        try
        {
            var response = await SendOnceAsync(request, streaming, forceRefresh: false, token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && Configuration.Credentials is not null)
            {
                // A rotated service-account token or an expired exec credential: fetch a fresh one and try once more.
                response.Dispose();
                _logger.LogInformation("Refreshing credentials after 401 verb={Verb} path={Path}", request.Verb, request.PathAndQuery);
                response = await SendOnceAsync(request, streaming, forceRefresh: true, token).ConfigureAwait(false);
            }

            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return await consume(response, token).ConfigureAwait(false);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
                var code = (int)response.StatusCode;
                if (code == 429 || code >= 500)
                {
                    throw new RetryableResponseException(response.StatusCode, body, RetryAfter(response, body));
                }

                throw KubernetesErrors.FromResponse(response.StatusCode, body);
            }
        }
        catch (OperationCanceledException) when (timeout is not null && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{request.Verb} {request.PathAndQuery} timed out after {Configuration.RequestTimeout}");
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(KubeRequest request, bool streaming, bool forceRefresh, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, _baseUrl + request.PathAndQuery);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (request.Body is not null)
        {
            message.Content = new StringContent(request.Body, Encoding.UTF8);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(request.ContentType ?? "application/json");
        }

        if (Configuration.Credentials is { } provider)
        {
            var credential = await provider.GetCredentialAsync(forceRefresh, cancellationToken).ConfigureAwait(false);
            if (credential.Token is not null)
            {
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential.Token);
            }

            if (credential.ClientCertificate is not null)
            {
                _certificate.Current = credential.ClientCertificate;
            }
        }

        Interlocked.Increment(ref _requestCount);
        _requestsByVerb.AddOrUpdate(request.Verb, 1, static (_, n) => n + 1);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            KubeMetrics.Requests.Add(1, new KeyValuePair<string, object?>("verb", request.Verb), new KeyValuePair<string, object?>("code", "error"));
            throw;
        }

        KubeMetrics.Requests.Add(1, new KeyValuePair<string, object?>("verb", request.Verb), new KeyValuePair<string, object?>("code", (int)response.StatusCode));
        return response;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response, string body)
    {
        if (response.Headers.RetryAfter is { } header)
        {
            if (header.Delta is { } delta)
            {
                return delta;
            }

            if (header.Date is { } date)
            {
                var wait = date - Configuration.TimeProvider.GetUtcNow();
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        var seconds = KubernetesErrors.ParseStatus(body)?.Details?.RetryAfterSeconds;
        return seconds is > 0 ? TimeSpan.FromSeconds(seconds.Value) : null;
    }

    private ResiliencePipeline BuildPipeline(KubernetesClientConfiguration configuration)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = configuration.TimeProvider };
        if (configuration.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = configuration.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = configuration.RetryBaseDelay,
                MaxDelay = configuration.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome.Exception, args.Context)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is RetryableResponseException { RetryAfter: { } after } ? (TimeSpan?)Min(after, configuration.MaxRetryAfter) : null),
                OnRetry = args =>
                {
                    var request = args.Context.Properties.GetValue(RequestKey, null!);
                    KubeMetrics.Retries.Add(1, new KeyValuePair<string, object?>("verb", request?.Verb));
                    _logger.LogDebug(
                        "Retrying API request verb={Verb} path={Path} attempt={Attempt} delay={Delay} reason={Reason}",
                        request?.Verb,
                        request?.PathAndQuery,
                        args.AttemptNumber + 1,
                        args.RetryDelay,
                        args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static bool ShouldRetry(Exception? exception, ResilienceContext context)
    {
        if (exception is null || context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        var nonIdempotent = context.Properties.TryGetValue(RequestKey, out var request) && request.NonIdempotent;
        return exception switch
        {
            RetryableResponseException r => !nonIdempotent || (int)r.StatusCode is 429 or 503,
            HttpRequestException h => !nonIdempotent || h.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError,
            TimeoutException or IOException => !nonIdempotent,
            _ => false,
        };
    }

    private static SocketsHttpHandler CreateHandler(KubernetesClientConfiguration configuration, ClientCertificateHolder certificate)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
            EnableMultipleHttp2Connections = true,
            AutomaticDecompression = DecompressionMethods.GZip,
        };
        handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate.Current!;
        if (configuration.SkipTlsVerify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (configuration.CertificateAuthorities is not null || configuration.TlsServerName is not null)
        {
            // SocketsHttpHandler always checks the URL's host, so tls-server-name is checked here instead (SNI stays the
            // URL's host).
            var authorities = configuration.CertificateAuthorities;
            var serverName = configuration.TlsServerName;
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            {
                if (serverName is not null)
                {
                    if (cert is not X509Certificate2 server || !server.MatchesHostname(serverName))
                    {
                        return false;
                    }

                    errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
                }

                return authorities is null ? errors == SslPolicyErrors.None : PemCertificates.ValidateAgainst(authorities, cert, errors);
            };
        }

        return handler;
    }

    private ResourceDescriptor Descriptor<T>() => _descriptors.GetOrAdd(typeof(T), static t => ResourceDescriptor.For(t));

    private string? ObjectNamespace(ResourceDescriptor resource, string? @namespace) =>
        resource.Namespaced ? (string.IsNullOrEmpty(@namespace) ? Configuration.Namespace : @namespace) : null;

    private static JsonObject ToJson<T>(T entity) =>
        JsonSerializer.SerializeToNode(entity, KubeJson.Options) as JsonObject ?? throw new ArgumentException("entity does not serialize to a JSON object", nameof(entity));

    private static void Stamp(ResourceDescriptor resource, JsonObject entity)
    {
        if (entity["apiVersion"] is null)
        {
            entity["apiVersion"] = resource.ApiVersion;
        }

        if (entity["kind"] is null)
        {
            entity["kind"] = resource.Kind;
        }

        if (entity["metadata"] is null)
        {
            entity["metadata"] = new JsonObject();
        }
    }

    private static string? MetadataString(JsonObject entity, string field) =>
        entity["metadata"] is JsonObject metadata && metadata[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static T Deserialize<T>(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, KubeJson.Options) ?? throw new JsonException("the server answered null");
        }
        catch (JsonException e)
        {
            throw new KubernetesApiException(HttpStatusCode.OK, new ApiStatus
            {
                Status = "Failure",
                Code = 200,
                Reason = "InvalidResponse",
                Message = $"the server's answer is not a {typeof(T).Name}: {e.Message}",
            });
        }
    }
}
