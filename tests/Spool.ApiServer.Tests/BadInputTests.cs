using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Spool.Testing;

namespace Spool.ApiServer.Tests;

public sealed class BadInputTests
{
    private ApiServerFixture server = null!;

    private HttpClient Http => server.Http;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        server = await ApiServerFixture.StartAsync();
        await Api.InstallWidgetCrdAsync(Http);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await server.DisposeAsync();

    private static void ShouldBeStatus(JsonObject? body, int code, string reason)
    {
        body.Should().NotBeNull();
        body!["kind"]!.GetValue<string>().Should().Be("Status");
        body["apiVersion"]!.GetValue<string>().Should().Be("v1");
        body["status"]!.GetValue<string>().Should().Be("Failure");
        body["code"]!.GetValue<int>().Should().Be(code);
        body["reason"]!.GetValue<string>().Should().Be(reason);
    }

    [Test]
    public async Task Malformed_json_is_BadRequest()
    {
        var (code, body) = await Api.SendRawAsync(Http, HttpMethod.Post, Api.Widgets, "{\"apiVersion\": ", "application/json");
        code.Should().Be(HttpStatusCode.BadRequest);
        ShouldBeStatus(body, 400, "BadRequest");
    }

    [Test]
    public async Task Wrong_metadata_types_are_BadRequest()
    {
        var body = Api.ConfigMap("typed");
        body["metadata"]!["labels"] = new JsonObject { ["a"] = 1 };
        var (code, status) = await Api.PostAsync(Http, "/api/v1/namespaces/default/configmaps", body);
        code.Should().Be(HttpStatusCode.BadRequest);
        ShouldBeStatus(status, 400, "BadRequest");
    }

    [Test]
    public async Task Wrong_spec_types_are_Invalid_with_causes()
    {
        var body = Api.Widget("wrong-types");
        body["spec"]!["size"] = "big";
        body["spec"]!["tags"] = new JsonArray("a", "b", "c", "d");
        var (code, status) = await Api.PostAsync(Http, Api.Widgets, body);
        code.Should().Be((HttpStatusCode)422);
        ShouldBeStatus(status, 422, "Invalid");
        var causes = status!["details"]!["causes"]!.AsArray();
        causes.Should().Contain(c => c!["field"]!.GetValue<string>() == "spec.size" && c["reason"]!.GetValue<string>() == "FieldValueTypeInvalid");
        causes.Should().Contain(c => c!["field"]!.GetValue<string>() == "spec.tags" && c["reason"]!.GetValue<string>() == "FieldValueTooMany");
        status["details"]!["kind"]!.GetValue<string>().Should().Be("Widget");
        status["details"]!["group"]!.GetValue<string>().Should().Be("test.spool.dev");
    }

    [Test]
    public async Task Validation_causes_name_the_field_with_the_real_reasons_and_messages()
    {
        var body = Api.Widget("causes", "Foo");
        body["spec"]!["checkpoint"] = new JsonObject { ["intervalBytes"] = 10 };
        body["spec"]!["label"] = "UPPER";
        body["spec"]!["schedule"] = "yesterday";
        body["spec"]!["ratio"] = 0;
        var (code, status) = await Api.PostAsync(Http, Api.Widgets, body);
        code.Should().Be((HttpStatusCode)422);
        var causes = status!["details"]!["causes"]!.AsArray().Select(c => (Field: c!["field"]!.GetValue<string>(), Reason: c["reason"]!.GetValue<string>(), Message: c["message"]!.GetValue<string>())).ToList();
        causes.Should().Contain(("spec.mode", "FieldValueNotSupported", "Unsupported value: \"Foo\": supported values: \"Full\", \"Incremental\""));
        causes.Should().Contain(("spec.checkpoint.intervalBytes", "FieldValueInvalid", "Invalid value: 10: spec.checkpoint.intervalBytes in body should be greater than or equal to 1048576"));
        causes.Should().Contain(("spec.label", "FieldValueInvalid", "Invalid value: \"UPPER\": spec.label in body should match '^[a-z]+$'"));
        causes.Should().Contain(("spec.schedule", "FieldValueInvalid", "Invalid value: \"yesterday\": spec.schedule in body must be of type date-time: \"yesterday\""));
        causes.Should().Contain(("spec.ratio", "FieldValueInvalid", "Invalid value: 0: spec.ratio in body should be greater than 0"));
        status["message"]!.GetValue<string>().Should().StartWith("Widget.test.spool.dev \"causes\" is invalid: [");
        status["message"]!.GetValue<string>().Should().Contain("spec.mode: Unsupported value: \"Foo\": supported values: \"Full\", \"Incremental\"");

        var missing = Api.Widget("missing");
        missing["spec"]!.AsObject().Remove("mode");
        var (_, required) = await Api.PostAsync(Http, Api.Widgets, missing);
        required!["message"]!.GetValue<string>().Should().Be("Widget.test.spool.dev \"missing\" is invalid: spec.mode: Required value");
        required["details"]!["causes"]![0]!["reason"]!.GetValue<string>().Should().Be("FieldValueRequired");
    }

    [Test]
    public async Task Int_or_string_and_maps_are_validated()
    {
        var ok = Api.Widget("ios");
        ok["spec"]!["port"] = "http";
        ok["spec"]!["selector"] = new JsonObject { ["a"] = "b" };
        (await Api.PostAsync(Http, Api.Widgets, ok)).Code.Should().Be(HttpStatusCode.Created);
        var bad = Api.Widget("ios-bad");
        bad["spec"]!["port"] = true;
        bad["spec"]!["selector"] = new JsonObject { ["a"] = 1 };
        var (code, status) = await Api.PostAsync(Http, Api.Widgets, bad);
        code.Should().Be((HttpStatusCode)422);
        status!["details"]!["causes"]!.AsArray().Select(c => c!["field"]!.GetValue<string>()).Should().Contain(["spec.port", "spec.selector[a]"]);
    }

    [Test]
    public async Task Unknown_resource_is_NotFound()
    {
        var (code, body) = await Api.GetAsync(Http, "/apis/nothing.example/v1/namespaces/default/things");
        code.Should().Be(HttpStatusCode.NotFound);
        ShouldBeStatus(body, 404, "NotFound");
        var (code2, _) = await Api.GetAsync(Http, "/apis/nothing.example/v1");
        code2.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Oversized_body_is_RequestEntityTooLarge()
    {
        var huge = Api.ConfigMap("huge", new JsonObject { ["blob"] = new string('x', (3 * 1024 * 1024) + 10) });
        var (code, body) = await Api.PostAsync(Http, "/api/v1/namespaces/default/configmaps", huge);
        code.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        ShouldBeStatus(body, 413, "RequestEntityTooLarge");
    }

    [Test]
    public async Task Mismatched_kind_or_api_version_is_BadRequest()
    {
        var wrongKind = Api.Widget("wk");
        wrongKind["kind"] = "Gizmo";
        var (code, body) = await Api.PostAsync(Http, Api.Widgets, wrongKind);
        code.Should().Be(HttpStatusCode.BadRequest);
        ShouldBeStatus(body, 400, "BadRequest");
        var wrongVersion = Api.Widget("wv");
        wrongVersion["apiVersion"] = "test.spool.dev/v9";
        var (code2, body2) = await Api.PostAsync(Http, Api.Widgets, wrongVersion);
        code2.Should().Be(HttpStatusCode.BadRequest);
        body2!["message"]!.GetValue<string>().Should().Contain("does not match the expected API version (test.spool.dev/v1)");
    }

    [Test]
    public async Task Invalid_names_are_Invalid_and_url_name_mismatch_is_BadRequest()
    {
        var (code, body) = await Api.PostAsync(Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("Not_Valid"));
        code.Should().Be((HttpStatusCode)422);
        body!["details"]!["causes"]![0]!["field"]!.GetValue<string>().Should().Be("metadata.name");
        await Api.CreateOkAsync(Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("named"));
        var (code2, _) = await Api.PutAsync(Http, "/api/v1/namespaces/default/configmaps/named", Api.ConfigMap("other-name"));
        code2.Should().Be(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Failed_json_patch_test_is_rejected_and_unsupported_patch_type_is_415()
    {
        await Api.CreateOkAsync(Http, Api.Widgets, Api.Widget("jp", size: 5));
        var (code, _) = await Api.PatchAsync(Http, Api.Widgets + "/jp", "application/json-patch+json", JsonNode.Parse("[{\"op\":\"test\",\"path\":\"/spec/size\",\"value\":6},{\"op\":\"replace\",\"path\":\"/spec/size\",\"value\":7}]")!);
        code.Should().Be((HttpStatusCode)422);
        var (_, unchanged) = await Api.GetAsync(Http, Api.Widgets + "/jp");
        unchanged!["spec"]!["size"]!.GetValue<long>().Should().Be(5);
        var (code2, body2) = await Api.PatchAsync(Http, Api.Widgets + "/jp", "text/plain", new JsonObject());
        code2.Should().Be(HttpStatusCode.UnsupportedMediaType);
        ShouldBeStatus(body2, 415, "UnsupportedMediaType");
    }

    [Test]
    public async Task Strategic_merge_patch_merges_containers_by_name()
    {
        var deployment = JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"smp"},"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}}}
            """)!;
        await Api.CreateOkAsync(Http, "/apis/apps/v1/namespaces/default/deployments", deployment);
        var patch = JsonNode.Parse("""
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"b","image":"b:2"},{"name":"a","$patch":"delete"}]}}}}
            """)!;
        var (code, patched) = await Api.PatchAsync(Http, "/apis/apps/v1/namespaces/default/deployments/smp", "application/strategic-merge-patch+json", patch);
        code.Should().Be(HttpStatusCode.OK);
        var containers = patched!["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        containers.Should().ContainSingle();
        containers[0]!["image"]!.GetValue<string>().Should().Be("b:2");
    }

    [Test]
    public async Task Server_side_apply_creates_merges_and_releases_dropped_fields()
    {
        const string path = "/api/v1/namespaces/default/configmaps/ssa?fieldManager=tester";
        var (created, first) = await Api.SendRawAsync(Http, HttpMethod.Patch, path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"1\"\n  b: two\n", "application/apply-patch+yaml");
        created.Should().Be(HttpStatusCode.Created, first?.ToJsonString());
        await Api.PatchAsync(Http, "/api/v1/namespaces/default/configmaps/ssa", "application/merge-patch+json", new JsonObject { ["data"] = new JsonObject { ["other"] = "kept" } });
        var (code, second) = await Api.SendRawAsync(Http, HttpMethod.Patch, path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"1\"\n", "application/apply-patch+yaml");
        code.Should().Be(HttpStatusCode.OK);
        second!["data"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo(["a", "other"]);
        second["data"]!["a"]!.GetValue<string>().Should().Be("1");
        var (noManager, _) = await Api.SendRawAsync(Http, HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/ssa", "data: {}", "application/apply-patch+yaml");
        noManager.Should().Be((HttpStatusCode)422);
    }
}
