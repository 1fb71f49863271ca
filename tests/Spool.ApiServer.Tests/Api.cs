using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Spool.ApiServer;

namespace Spool.ApiServer.Tests;

/// <summary>Raw HTTP helpers: every call returns the status code and the parsed JSON body.</summary>
internal static class Api
{
    public const string Widgets = "/apis/test.spool.dev/v1/namespaces/default/widgets";

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static JsonObject WidgetCrd() => JsonNode.Parse(YamlJson.Parse(File.ReadAllText(FixturePath("widgets-crd.yaml")))!.ToJsonString())!.AsObject();

    public static async Task InstallWidgetCrdAsync(HttpClient http)
    {
        var (code, body) = await SendAsync(http, HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", WidgetCrd());
        code.Should().Be(HttpStatusCode.Created, body?.ToJsonString());
    }

    public static JsonObject Widget(string name, string mode = "Full", int? size = null, JsonObject? labels = null)
    {
        var spec = new JsonObject { ["mode"] = mode };
        if (size is not null)
        {
            spec["size"] = size;
        }

        var meta = new JsonObject { ["name"] = name };
        if (labels is not null)
        {
            meta["labels"] = labels;
        }

        return new JsonObject { ["apiVersion"] = "test.spool.dev/v1", ["kind"] = "Widget", ["metadata"] = meta, ["spec"] = spec };
    }

    public static JsonObject ConfigMap(string name, JsonObject? data = null, JsonObject? labels = null)
    {
        var meta = new JsonObject { ["name"] = name };
        if (labels is not null)
        {
            meta["labels"] = labels;
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = meta, ["data"] = data ?? new JsonObject { ["k"] = "v" } };
    }

    public static Task<(HttpStatusCode Code, JsonObject? Body)> GetAsync(HttpClient http, string path) => SendAsync(http, HttpMethod.Get, path, null);

    public static Task<(HttpStatusCode Code, JsonObject? Body)> PostAsync(HttpClient http, string path, JsonNode body) => SendAsync(http, HttpMethod.Post, path, body);

    public static Task<(HttpStatusCode Code, JsonObject? Body)> PutAsync(HttpClient http, string path, JsonNode body) => SendAsync(http, HttpMethod.Put, path, body);

    public static Task<(HttpStatusCode Code, JsonObject? Body)> DeleteAsync(HttpClient http, string path, JsonNode? body = null) => SendAsync(http, HttpMethod.Delete, path, body);

    public static Task<(HttpStatusCode Code, JsonObject? Body)> PatchAsync(HttpClient http, string path, string contentType, JsonNode body) =>
        SendRawAsync(http, HttpMethod.Patch, path, body.ToJsonString(), contentType);

    public static Task<(HttpStatusCode Code, JsonObject? Body)> SendAsync(HttpClient http, HttpMethod method, string path, JsonNode? body) =>
        SendRawAsync(http, method, path, body?.ToJsonString(), "application/json");

    public static async Task<(HttpStatusCode Code, JsonObject? Body)> SendRawAsync(HttpClient http, HttpMethod method, string path, string? body, string contentType, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonObject? parsed = null;
        if (text.Length > 0)
        {
            parsed = JsonNode.Parse(text) as JsonObject;
        }

        return (response.StatusCode, parsed);
    }

    public static async Task<JsonObject> CreateOkAsync(HttpClient http, string path, JsonNode body)
    {
        var (code, result) = await PostAsync(http, path, body);
        code.Should().Be(HttpStatusCode.Created, result?.ToJsonString());
        return result!;
    }

    public static string Rv(JsonNode? obj) => obj!["metadata"]!["resourceVersion"]!.GetValue<string>();
}
