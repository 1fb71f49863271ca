using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Spool.ApiServer;

/// <summary>
/// Routes HTTP requests the way kube-apiserver does: discovery, resource CRUD, list/watch, patches, subresources.
/// Authentication headers are accepted and ignored; the embedded server does no authorisation.
/// </summary>
public sealed class ApiRequestHandler
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly ResourceService service;
    private readonly EmbeddedApiServerOptions options;
    private readonly Func<string> serverAddress;

    public ApiRequestHandler(ResourceService service, EmbeddedApiServerOptions options, Func<string> serverAddress)
    {
        this.service = service;
        this.options = options;
        this.serverAddress = serverAddress;
    }

    private ResourceRegistry Registry => service.Registry;

    private ObjectStore Store => service.Store;

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await RouteAsync(context);
        }
        catch (ApiException e)
        {
            await WriteStatusAsync(context, e);
        }
        catch (JsonException e)
        {
            await WriteStatusAsync(context, StatusFactory.BadRequest("error decoding request body: " + e.Message));
        }
        catch (InvalidOperationException e) when (e.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("node", StringComparison.OrdinalIgnoreCase))
        {
            await WriteStatusAsync(context, StatusFactory.BadRequest("error decoding request body: " + e.Message));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // Client went away.
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
            // Client went away mid-write.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug must never take the server down; report it the way kube-apiserver reports internal errors.
            await WriteStatusAsync(context, new ApiException(500, "InternalError", "Internal error occurred: " + e.GetType().Name + ": " + e.Message));
        }
    }

    private static async Task WriteStatusAsync(HttpContext context, ApiException e)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        await WriteJsonAsync(context, e.Code, e.ToStatus());
    }

    private static async Task WriteJsonAsync(HttpContext context, int code, JsonNode body, string contentType = "application/json")
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = contentType;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, JsonDefaults.Options);
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private static async Task WriteBytesAsync(HttpContext context, int code, byte[] bytes)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private async Task RouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var method = context.Request.Method;
        if (path.Length > 1)
        {
            path = path.TrimEnd('/');
        }

        switch (path)
        {
            case "/version":
                await WriteJsonAsync(context, 200, DiscoveryDocuments.Version());
                return;
            case "/healthz" or "/livez" or "/readyz":
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("ok", context.RequestAborted);
                return;
            case "/api":
                await WriteJsonAsync(context, 200, DiscoveryDocuments.CoreVersions(serverAddress()));
                return;
            case "/apis":
                await WriteJsonAsync(context, 200, DiscoveryDocuments.GroupList(Registry.All));
                return;
            case "/openapi/v3":
                await WriteJsonAsync(context, 200, OpenApiDocuments.Root(Registry.All));
                return;
            case "/openapi/v2" or "/swagger.json":
                throw StatusFactory.UnknownResource(path);
        }

        if (path.StartsWith("/openapi/v3/", StringComparison.Ordinal))
        {
            await WriteJsonAsync(context, 200, OpenApiDocuments.ForPath(path["/openapi/v3/".Length..], Registry.All) ?? throw StatusFactory.UnknownResource(path));
            return;
        }

        var parts = path.Trim('/').Split('/');
        if (method == "GET" && parts.Length == 2 && parts[0] == "api")
        {
            await WriteJsonAsync(context, 200, DiscoveryDocuments.ResourceList(string.Empty, parts[1], Registry.All) ?? throw StatusFactory.UnknownResource(path));
            return;
        }

        if (method == "GET" && parts.Length == 2 && parts[0] == "apis")
        {
            await WriteJsonAsync(context, 200, DiscoveryDocuments.Group(parts[1], Registry.All) ?? throw StatusFactory.UnknownResource(path));
            return;
        }

        if (method == "GET" && parts.Length == 3 && parts[0] == "apis")
        {
            await WriteJsonAsync(context, 200, DiscoveryDocuments.ResourceList(parts[1], parts[2], Registry.All) ?? throw StatusFactory.UnknownResource(path));
            return;
        }

        var target = RequestTarget.Parse(path) ?? throw StatusFactory.UnknownResource(path);
        if (target.Group == "authorization.k8s.io" && method == "POST" && target.Resource is "selfsubjectaccessreviews" or "selfsubjectrulesreviews" or "subjectaccessreviews" or "localsubjectaccessreviews")
        {
            await ReviewAsync(context, target);
            return;
        }

        var type = Registry.Find(target.Group, target.Version, target.Resource) ?? throw StatusFactory.UnknownResource(path);
        if (type.Namespaced != (target.Namespace is not null) && target.Name is not null)
        {
            throw StatusFactory.UnknownResource(path);
        }

        if (!type.Namespaced && target.Namespace is not null)
        {
            throw StatusFactory.UnknownResource(path);
        }

        var query = context.Request.Query;
        var watch = target.LegacyWatch || IsTrue(query["watch"]);
        if (target.Subresource is { } sub)
        {
            if (sub == "status" && type.HasStatus)
            {
                await ItemAsync(context, type, target, statusOnly: true);
                return;
            }

            if (type.StorageKey == "pods" && sub is "exec" or "attach" or "portforward")
            {
                await PodExecAsync(context, target);
                return;
            }

            if (type.StorageKey == "pods" && sub == "log")
            {
                await PodLogAsync(context, target);
                return;
            }

            if (type.StorageKey == "namespaces" && sub == "finalize" && method == "PUT")
            {
                await ItemAsync(context, type, target, statusOnly: false);
                return;
            }

            throw StatusFactory.UnknownResource(path);
        }

        if (target.Name is null)
        {
            switch (method)
            {
                case "GET" when watch:
                    await WatchAsync(context, type, target.Namespace, null);
                    return;
                case "GET":
                    await ListAsync(context, type, target.Namespace);
                    return;
                case "POST":
                {
                    var body = await ReadObjectAsync(context, type);
                    var created = service.Create(type, target.Namespace, body, WriteOptionsFrom(context));
                    AddWarnings(context);
                    await WriteBytesAsync(context, 201, Render(context, type, created));
                    return;
                }

                case "DELETE":
                    await DeleteCollectionAsync(context, type, target.Namespace);
                    return;
                default:
                    throw StatusFactory.MethodNotAllowed($"the server does not allow this method on the requested resource");
            }
        }

        if (watch && method == "GET")
        {
            await WatchAsync(context, type, target.Namespace, target.Name);
            return;
        }

        await ItemAsync(context, type, target, statusOnly: false);
    }

    private async Task ItemAsync(HttpContext context, ResourceType type, RequestTarget target, bool statusOnly)
    {
        var name = target.Name!;
        var ns = target.Namespace;
        switch (context.Request.Method)
        {
            case "GET":
            {
                var obj = Store.Get(type.StorageKey, ns, name) ?? throw StatusFactory.NotFound(type, name);
                if (WantsTable(context))
                {
                    await WriteJsonAsync(context, 200, TableBuilder.Build(type, [obj], obj.ResourceVersion.ToString(CultureInfo.InvariantCulture), null, IncludeObject(context), Now()));
                    return;
                }

                await WriteBytesAsync(context, 200, Render(context, type, obj));
                return;
            }

            case "PUT":
            {
                var body = await ReadObjectAsync(context, type);
                var updated = service.Update(type, ns, name, body, statusOnly, WriteOptionsFrom(context));
                AddWarnings(context);
                await WriteBytesAsync(context, 200, Render(context, type, updated));
                return;
            }

            case "PATCH":
            {
                var contentType = (context.Request.ContentType ?? string.Empty).Split(';')[0].Trim();
                var patchType = contentType switch
                {
                    "application/merge-patch+json" => "merge",
                    "application/json-patch+json" => "json",
                    "application/strategic-merge-patch+json" => "strategic",
                    "application/apply-patch+yaml" or "application/apply-patch+json" or "application/apply-patch+cbor" => "apply",
                    _ => throw StatusFactory.UnsupportedMediaType(contentType),
                };
                var raw = await ReadBodyAsync(context);
                JsonNode? patch;
                if (patchType == "apply")
                {
                    var text = Encoding.UTF8.GetString(raw);
                    patch = YamlJson.Parse(text);
                    patch = patch is null ? null : JsonNode.Parse(patch.ToJsonString());
                }
                else
                {
                    patch = ParseJson(raw);
                }

                var wo = WriteOptionsFrom(context);
                var existed = Store.Get(type.StorageKey, ns, name) is not null;
                var patched = service.Patch(type, ns, name, patchType, patch, statusOnly, wo);
                AddWarnings(context);
                await WriteBytesAsync(context, patchType == "apply" && !existed ? 201 : 200, Render(context, type, patched));
                return;
            }

            case "DELETE":
            {
                var deleteOptions = await DeleteOptionsFromAsync(context);
                var deleted = service.Delete(type, ns, name, deleteOptions);

                // Like kube-apiserver, 200 whether the object is gone or only marked for deletion.
                await WriteBytesAsync(context, 200, Render(context, type, deleted));
                return;
            }

            default:
                throw StatusFactory.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private DateTimeOffset Now() => options.TimeProvider.GetUtcNow();

    private void AddWarnings(HttpContext context)
    {
        if (context.Items["writeOptions"] is WriteOptions wo)
        {
            foreach (var w in wo.Warnings)
            {
                context.Response.Headers.Append("Warning", "299 - " + JsonSerializer.Serialize(w, JsonDefaults.Options));
            }
        }
    }

    private static WriteOptions WriteOptionsFrom(HttpContext context)
    {
        var q = context.Request.Query;
        var manager = q["fieldManager"].ToString();
        if (string.IsNullOrEmpty(manager))
        {
            var agent = context.Request.Headers.UserAgent.ToString();
            manager = agent.Length == 0 ? "unknown" : agent.Split('/')[0];
        }

        var validation = q["fieldValidation"].ToString();
        var wo = new WriteOptions
        {
            DryRun = q["dryRun"].ToString() == "All",
            FieldManager = manager,
            Force = IsTrue(q["force"]),
            FieldValidation = validation is "Strict" or "Ignore" or "Warn" ? validation : "Warn",
        };
        if (!string.IsNullOrEmpty(q["fieldManager"].ToString()) || context.Request.Method != "PATCH" || !(context.Request.ContentType ?? string.Empty).StartsWith("application/apply-patch", StringComparison.Ordinal))
        {
            context.Items["writeOptions"] = wo;
            return wo;
        }

        wo = wo with { FieldManager = null };
        context.Items["writeOptions"] = wo;
        return wo;
    }

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) =>
        value.ToString() is "true" or "1" or "True";

    private static bool WantsTable(HttpContext context) =>
        context.Request.Headers.Accept.ToString().Split(',').FirstOrDefault()?.Contains("as=Table", StringComparison.Ordinal) == true;

    private static bool WantsPartialMetadata(HttpContext context) =>
        context.Request.Headers.Accept.ToString().Split(',').FirstOrDefault()?.Contains("as=PartialObjectMetadata", StringComparison.Ordinal) == true;

    private static string IncludeObject(HttpContext context) =>
        context.Request.Query["includeObject"].ToString() is { Length: > 0 } v ? v : "Metadata";

    /// <summary>Serialises an object for the request's version; stored bytes are reused when nothing changes.</summary>
    private static byte[] Render(HttpContext context, ResourceType type, StoredObject obj)
    {
        if (WantsPartialMetadata(context))
        {
            var full = obj.ToJsonObject();
            return JsonSerializer.SerializeToUtf8Bytes(new JsonObject
            {
                ["kind"] = "PartialObjectMetadata",
                ["apiVersion"] = "meta.k8s.io/v1",
                ["metadata"] = full["metadata"]?.DeepClone(),
            }, JsonDefaults.Options);
        }

        return ForVersion(type, obj);
    }

    private static byte[] ForVersion(ResourceType type, StoredObject obj)
    {
        if (!type.IsCustom)
        {
            return obj.Json;
        }

        var expected = Encoding.UTF8.GetBytes("\"apiVersion\":\"" + type.ApiVersion + "\"");
        if (obj.Json.AsSpan().IndexOf(expected) >= 0)
        {
            return obj.Json;
        }

        var node = obj.ToJsonObject();
        node["apiVersion"] = type.ApiVersion;
        return JsonSerializer.SerializeToUtf8Bytes(node, JsonDefaults.Options);
    }

    private async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        var limit = options.MaxRequestBodyBytes;
        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            throw StatusFactory.TooLarge(limit);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted);
            if (read == 0)
            {
                break;
            }

            if (buffer.Length + read > limit)
            {
                throw StatusFactory.TooLarge(limit);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static JsonNode? ParseJson(byte[] raw)
    {
        if (raw.Length == 0)
        {
            throw StatusFactory.BadRequest("the body of the request was empty");
        }

        try
        {
            return JsonNode.Parse(raw, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw StatusFactory.BadRequest("error decoding request body: " + e.Message);
        }
    }

    private async Task<JsonObject> ReadObjectAsync(HttpContext context, ResourceType type)
    {
        var raw = await ReadBodyAsync(context);
        var contentType = (context.Request.ContentType ?? "application/json").Split(';')[0].Trim();
        JsonNode? node;
        if (contentType is "application/yaml" or "application/x-yaml" or "text/yaml")
        {
            node = YamlJson.Parse(Encoding.UTF8.GetString(raw));
            node = node is null ? null : JsonNode.Parse(node.ToJsonString());
        }
        else if (contentType == "application/vnd.kubernetes.protobuf")
        {
            node = ProtobufDecoder.Decode(raw, type.Kind);
        }
        else if (contentType.Contains("protobuf", StringComparison.Ordinal) || contentType.Contains("cbor", StringComparison.Ordinal))
        {
            throw StatusFactory.UnsupportedMediaType(contentType);
        }
        else
        {
            node = ParseJson(raw);
        }

        if (node is not JsonObject obj)
        {
            throw StatusFactory.BadRequest($"json: cannot unmarshal {SchemaValidator.TypeOf(node)} into Go value of type {type.Kind}");
        }

        return obj;
    }

    private async Task<DeleteOptions> DeleteOptionsFromAsync(HttpContext context)
    {
        var q = context.Request.Query;
        var result = new DeleteOptions
        {
            PropagationPolicy = q["propagationPolicy"].ToString() is { Length: > 0 } p ? p : "Background",
            DryRun = q["dryRun"].ToString() == "All",
            GracePeriodSeconds = long.TryParse(q["gracePeriodSeconds"].ToString(), out var g) ? g : null,
        };
        var raw = await ReadBodyAsync(context);
        if (raw.Length == 0)
        {
            return result;
        }

        var bodyNode = (context.Request.ContentType ?? string.Empty).StartsWith("application/vnd.kubernetes.protobuf", StringComparison.Ordinal)
            ? ProtobufDecoder.Decode(raw, "DeleteOptions")
            : ParseJson(raw);
        if (bodyNode is not JsonObject body)
        {
            throw StatusFactory.BadRequest("json: cannot unmarshal into Go value of type v1.DeleteOptions");
        }

        return result with
        {
            PreconditionUid = body["preconditions"]?["uid"]?.ToString(),
            PreconditionResourceVersion = body["preconditions"]?["resourceVersion"]?.ToString(),
            PropagationPolicy = body["propagationPolicy"]?.ToString() ?? (body["orphanDependents"]?.ToString() == "true" ? "Orphan" : result.PropagationPolicy),
            GracePeriodSeconds = body["gracePeriodSeconds"] is JsonValue gv && gv.TryGetValue<long>(out var gs) ? gs : result.GracePeriodSeconds,
            DryRun = result.DryRun || body["dryRun"] is JsonArray { Count: > 0 },
        };
    }

    private ObjectFilter FilterFrom(HttpContext context, ResourceType type, string? ns, string? name)
    {
        var labels = LabelSelector.Parse(context.Request.Query["labelSelector"].ToString());
        var fieldText = context.Request.Query["fieldSelector"].ToString();
        if (name is not null)
        {
            fieldText = string.IsNullOrEmpty(fieldText) ? "metadata.name=" + name : fieldText + ",metadata.name=" + name;
        }

        return new ObjectFilter(ns, labels, FieldSelector.Parse(fieldText, type));
    }

    private sealed record ContinueToken(long ResourceVersion, string Start);

    private async Task ListAsync(HttpContext context, ResourceType type, string? ns)
    {
        var q = context.Request.Query;
        var filter = FilterFrom(context, type, ns, null);
        var limit = int.TryParse(q["limit"].ToString(), out var l) && l > 0 ? l : int.MaxValue;
        string? start = null;
        var continueText = q["continue"].ToString();
        if (continueText.Length > 0)
        {
            ContinueToken token;
            try
            {
                var json = Encoding.UTF8.GetString(Convert.FromBase64String(continueText));
                var node = JsonNode.Parse(json)!;
                token = new ContinueToken(node["rv"]!.GetValue<long>(), node["start"]!.GetValue<string>());
            }
            catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or NullReferenceException)
            {
                throw StatusFactory.BadRequest("continue key is not valid: " + e.Message);
            }

            if (token.ResourceVersion < Store.CompactedResourceVersion)
            {
                throw StatusFactory.Gone("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
            }

            start = token.Start;
        }

        var (objects, rv) = Store.Snapshot(type.StorageKey);
        var items = new List<StoredObject>();
        string? nextToken = null;
        var remaining = 0L;
        foreach (var (key, obj) in objects)
        {
            if (start is not null && string.CompareOrdinal(key, start) <= 0)
            {
                continue;
            }

            if (!filter.Matches(obj))
            {
                continue;
            }

            if (items.Count >= limit)
            {
                remaining++;
                continue;
            }

            items.Add(obj);
        }

        if (remaining > 0)
        {
            var startRv = continueText.Length > 0 ? JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(continueText)))!["rv"]!.GetValue<long>() : rv;
            nextToken = Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject { ["rv"] = startRv, ["start"] = items[^1].Key }.ToJsonString()));
        }

        var rvText = rv.ToString(CultureInfo.InvariantCulture);
        if (WantsTable(context))
        {
            await WriteJsonAsync(context, 200, TableBuilder.Build(type, items, rvText, nextToken, IncludeObject(context), Now()));
            return;
        }

        var partial = WantsPartialMetadata(context);
        using var stream = new MemoryStream();
        var meta = new JsonObject { ["resourceVersion"] = rvText };
        if (nextToken is not null)
        {
            meta["continue"] = nextToken;
            if (filter.Labels.IsEverything && q["fieldSelector"].ToString().Length == 0)
            {
                meta["remainingItemCount"] = remaining;
            }
        }

        var header = partial
            ? "{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":"
            : "{\"kind\":\"" + type.Kind + "List\",\"apiVersion\":\"" + type.ApiVersion + "\",\"metadata\":";
        stream.Write(Encoding.UTF8.GetBytes(header));
        stream.Write(JsonSerializer.SerializeToUtf8Bytes(meta, JsonDefaults.Options));
        stream.Write(",\"items\":["u8);
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                stream.Write(","u8);
            }

            stream.Write(Render(context, type, items[i]));
        }

        stream.Write("]}"u8);
        await WriteBytesAsync(context, 200, stream.ToArray());
    }

    private async Task DeleteCollectionAsync(HttpContext context, ResourceType type, string? ns)
    {
        var filter = FilterFrom(context, type, ns, null);
        var deleteOptions = await DeleteOptionsFromAsync(context);
        var deleted = new List<StoredObject>();
        foreach (var obj in Store.ObjectsOf(type.StorageKey).Where(filter.Matches).ToList())
        {
            try
            {
                deleted.Add(service.Delete(type, obj.Namespace, obj.Name, deleteOptions));
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Removed concurrently.
            }
        }

        using var stream = new MemoryStream();
        stream.Write(Encoding.UTF8.GetBytes("{\"kind\":\"" + type.Kind + "List\",\"apiVersion\":\"" + type.ApiVersion + "\",\"metadata\":{\"resourceVersion\":\"" + Store.ResourceVersion.ToString(CultureInfo.InvariantCulture) + "\"},\"items\":["));
        for (var i = 0; i < deleted.Count; i++)
        {
            if (i > 0)
            {
                stream.Write(","u8);
            }

            stream.Write(ForVersion(type, deleted[i]));
        }

        stream.Write("]}"u8);
        await WriteBytesAsync(context, 200, stream.ToArray());
    }

    private async Task WatchAsync(HttpContext context, ResourceType type, string? ns, string? name)
    {
        var q = context.Request.Query;
        var filter = FilterFrom(context, type, ns, name);
        var rvText = q["resourceVersion"].ToString();
        long? from = null;
        if (rvText.Length > 0 && rvText != "0")
        {
            if (!long.TryParse(rvText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                throw StatusFactory.BadRequest($"invalid resource version: {rvText}");
            }

            from = parsed;
        }

        var sendInitial = q["sendInitialEvents"].ToString();
        if (sendInitial == "true")
        {
            from = null;
        }

        var bookmarks = IsTrue(q["allowWatchBookmarks"]);
        var ct = context.RequestAborted;
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-cache, private";

        WatchSubscription subscription;
        try
        {
            subscription = Store.Subscribe(type.StorageKey, filter, from);
        }
        catch (ApiException e) when (e.Code == 410)
        {
            // The real server answers 200 and reports expiry as an ERROR event on the stream.
            await WriteLineAsync(context, WatchEvent.Encode("ERROR", JsonSerializer.SerializeToUtf8Bytes(e.ToStatus(), JsonDefaults.Options)), ct);
            return;
        }

        var watcher = subscription.Watcher;
        try
        {
            var lastRv = subscription.StartResourceVersion;
            await context.Response.StartAsync(ct);
            foreach (var (evt, evtType) in subscription.Backlog)
            {
                await context.Response.Body.WriteAsync(LineFor(type, evt, evtType), ct);
            }

            if (sendInitial == "true" && bookmarks)
            {
                await context.Response.Body.WriteAsync(Bookmark(type, subscription.StartResourceVersion, initialEventsEnd: true), ct);
            }

            await context.Response.Body.FlushAsync(ct);
            var timeout = int.TryParse(q["timeoutSeconds"].ToString(), out var ts) && ts > 0
                ? Task.Delay(TimeSpan.FromSeconds(ts), options.TimeProvider, ct)
                : Task.Delay(Timeout.InfiniteTimeSpan, ct);
            var bookmarkTimer = bookmarks ? Task.Delay(options.BookmarkInterval, options.TimeProvider, ct) : Task.Delay(Timeout.InfiniteTimeSpan, ct);
            var reader = watcher.Reader;
            while (!ct.IsCancellationRequested)
            {
                var wrote = false;
                while (reader.TryRead(out var item))
                {
                    await context.Response.Body.WriteAsync(LineFor(type, item.Event, item.Type), ct);
                    lastRv = Math.Max(lastRv, item.Event.ResourceVersion);
                    wrote = true;
                }

                if (wrote)
                {
                    await context.Response.Body.FlushAsync(ct);
                }

                var readable = reader.WaitToReadAsync(ct).AsTask();
                var done = await Task.WhenAny(readable, timeout, bookmarkTimer);
                if (done == timeout)
                {
                    break;
                }

                if (done == bookmarkTimer)
                {
                    if (bookmarkTimer.IsCanceled)
                    {
                        break;
                    }

                    var published = Store.ResourceVersion;
                    while (reader.TryRead(out var item))
                    {
                        await context.Response.Body.WriteAsync(LineFor(type, item.Event, item.Type), ct);
                    }

                    lastRv = Math.Max(lastRv, published);
                    await context.Response.Body.WriteAsync(Bookmark(type, lastRv, initialEventsEnd: false), ct);
                    await context.Response.Body.FlushAsync(ct);
                    bookmarkTimer = Task.Delay(options.BookmarkInterval, options.TimeProvider, ct);
                    continue;
                }

                if (!await readable)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Client disconnected or server stopping.
        }
        finally
        {
            Store.Unsubscribe(watcher);
        }
    }

    private static byte[] LineFor(ResourceType type, WatchEvent evt, string evtType)
    {
        if (!type.IsCustom || evt.Object.Json.AsSpan().IndexOf(Encoding.UTF8.GetBytes("\"apiVersion\":\"" + type.ApiVersion + "\"")) >= 0)
        {
            return evt.LineFor(evtType);
        }

        return WatchEvent.Encode(evtType, ForVersion(type, evt.Object));
    }

    private static byte[] Bookmark(ResourceType type, long rv, bool initialEventsEnd)
    {
        var meta = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        var obj = new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion, ["metadata"] = meta };
        return WatchEvent.Encode("BOOKMARK", JsonSerializer.SerializeToUtf8Bytes(obj, JsonDefaults.Options));
    }

    private static async Task WriteLineAsync(HttpContext context, byte[] line, CancellationToken ct)
    {
        await context.Response.Body.WriteAsync(line, ct);
        await context.Response.Body.FlushAsync(ct);
    }

    private async Task ReviewAsync(HttpContext context, RequestTarget target)
    {
        var raw = await ReadBodyAsync(context);
        // Typed clients (kubectl auth can-i) send protobuf; the answer does not depend on the question.
        var body = (context.Request.ContentType ?? string.Empty).Contains("protobuf", StringComparison.Ordinal)
            ? new JsonObject()
            : ParseJson(raw) as JsonObject ?? throw StatusFactory.BadRequest("the body must be a JSON object");
        body["apiVersion"] = "authorization.k8s.io/v1";
        body["metadata"] ??= new JsonObject();
        body["metadata"]!.AsObject()["creationTimestamp"] = null;
        if (target.Resource == "selfsubjectrulesreviews")
        {
            body["kind"] = "SelfSubjectRulesReview";
            body["status"] = new JsonObject
            {
                ["resourceRules"] = new JsonArray(new JsonObject { ["verbs"] = new JsonArray("*"), ["apiGroups"] = new JsonArray("*"), ["resources"] = new JsonArray("*") }),
                ["nonResourceRules"] = new JsonArray(new JsonObject { ["verbs"] = new JsonArray("*"), ["nonResourceURLs"] = new JsonArray("*") }),
                ["incomplete"] = false,
            };
        }
        else
        {
            body["kind"] ??= target.Resource switch
            {
                "selfsubjectaccessreviews" => "SelfSubjectAccessReview",
                "localsubjectaccessreviews" => "LocalSubjectAccessReview",
                _ => "SubjectAccessReview",
            };
            body["status"] = new JsonObject { ["allowed"] = true, ["reason"] = "the embedded API server does not authorize requests" };
        }

        await WriteJsonAsync(context, 201, body);
    }

    private async Task PodExecAsync(HttpContext context, RequestTarget target)
    {
        var pod = Store.Get("pods", target.Namespace, target.Name!) ?? throw StatusFactory.NotFound(Registry.Find(string.Empty, "v1", "pods")!, target.Name!);
        if (target.Subresource != "exec" || options.PodExecHandler is null)
        {
            throw new ApiException(501, "NotImplemented", $"pods/{target.Subresource} is not supported by the embedded API server: no exec handler is registered");
        }

        await PodExecStream.RunAsync(context, options.PodExecHandler, pod, target.Namespace!, target.Name!);
    }

    private async Task PodLogAsync(HttpContext context, RequestTarget target)
    {
        var pod = Store.Get("pods", target.Namespace, target.Name!) ?? throw StatusFactory.NotFound(Registry.Find(string.Empty, "v1", "pods")!, target.Name!);
        if (options.PodLogHandler is null)
        {
            throw new ApiException(501, "NotImplemented", "pods/log is not supported by the embedded API server: no log handler is registered");
        }

        var q = context.Request.Query;
        var container = q["container"].ToString();
        var text = await options.PodLogHandler.GetLogAsync(
            new PodLogRequest(target.Namespace!, target.Name!, container.Length > 0 ? container : null, int.TryParse(q["tailLines"].ToString(), out var t) ? t : null, pod.ToJsonObject()),
            context.RequestAborted);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(text, context.RequestAborted);
    }
}
