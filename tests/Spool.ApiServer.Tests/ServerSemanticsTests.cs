using System.Net;
using System.Text.Json.Nodes;
using Spool.Testing;

namespace Spool.ApiServer.Tests;

public sealed class ServerSemanticsTests
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

    [Test]
    public async Task Create_sets_uid_creation_timestamp_generation_and_an_increasing_resource_version()
    {
        var a = await Api.CreateOkAsync(Http, Api.Widgets, Api.Widget("sem-a"));
        var b = await Api.CreateOkAsync(Http, Api.Widgets, Api.Widget("sem-b"));
        a["metadata"]!["uid"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f-]{36}$");
        a["metadata"]!["creationTimestamp"]!.GetValue<string>().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$");
        a["metadata"]!["generation"]!.GetValue<long>().Should().Be(1);
        long.Parse(Api.Rv(b)).Should().BeGreaterThan(long.Parse(Api.Rv(a)));
    }

    [Test]
    public async Task Create_applies_schema_defaults()
    {
        var created = await Api.CreateOkAsync(Http, Api.Widgets, new JsonObject
        {
            ["apiVersion"] = "test.spool.dev/v1",
            ["kind"] = "Widget",
            ["metadata"] = new JsonObject { ["name"] = "defaults" },
            ["spec"] = new JsonObject { ["mode"] = "Full", ["checkpoint"] = new JsonObject() },
        });
        created["spec"]!["size"]!.GetValue<long>().Should().Be(10);
        created["spec"]!["checkpoint"]!["enabled"]!.GetValue<bool>().Should().BeTrue();
    }

    [Test]
    public async Task Create_prunes_unknown_fields_but_keeps_preserved_ones()
    {
        var body = Api.Widget("pruned");
        body["spec"]!["bogus"] = 1;
        body["topLevelJunk"] = "x";
        body["spec"]!["extra"] = new JsonObject { ["anything"] = new JsonObject { ["goes"] = true } };
        var (code, created) = await Api.PostAsync(Http, Api.Widgets, body);
        code.Should().Be(HttpStatusCode.Created);
        created!["spec"]!.AsObject().ContainsKey("bogus").Should().BeFalse();
        created.ContainsKey("topLevelJunk").Should().BeFalse();
        created["spec"]!["extra"]!["anything"]!["goes"]!.GetValue<bool>().Should().BeTrue();
    }

    [Test]
    public async Task Strict_field_validation_rejects_unknown_fields()
    {
        var body = Api.Widget("strict");
        body["spec"]!["bogus"] = 1;
        var (code, status) = await Api.PostAsync(Http, Api.Widgets + "?fieldValidation=Strict", body);
        code.Should().Be(HttpStatusCode.BadRequest);
        status!["message"]!.GetValue<string>().Should().Contain("unknown field \"spec.bogus\"");
    }

    [Test]
    public async Task GenerateName_appends_five_random_characters()
    {
        var body = Api.Widget(string.Empty);
        body["metadata"]!.AsObject().Remove("name");
        body["metadata"]!["generateName"] = "gen-";
        var created = await Api.CreateOkAsync(Http, Api.Widgets, body);
        created["metadata"]!["name"]!.GetValue<string>().Should().MatchRegex("^gen-[a-z0-9]{5}$");
    }

    [Test]
    public async Task Duplicate_create_is_AlreadyExists()
    {
        await Api.CreateOkAsync(Http, Api.Widgets, Api.Widget("dup"));
        var (code, status) = await Api.PostAsync(Http, Api.Widgets, Api.Widget("dup"));
        code.Should().Be(HttpStatusCode.Conflict);
        status!["kind"]!.GetValue<string>().Should().Be("Status");
        status["reason"]!.GetValue<string>().Should().Be("AlreadyExists");
        status["message"]!.GetValue<string>().Should().Be("widgets.test.spool.dev \"dup\" already exists");
        status["details"]!["name"]!.GetValue<string>().Should().Be("dup");
        status["details"]!["group"]!.GetValue<string>().Should().Be("test.spool.dev");
        status["details"]!["kind"]!.GetValue<string>().Should().Be("widgets");
        status["code"]!.GetValue<int>().Should().Be(409);
    }

    [Test]
    public async Task Missing_object_is_NotFound_with_details()
    {
        var (code, status) = await Api.GetAsync(Http, Api.Widgets + "/nope");
        code.Should().Be(HttpStatusCode.NotFound);
        status!["reason"]!.GetValue<string>().Should().Be("NotFound");
        status["message"]!.GetValue<string>().Should().Be("widgets.test.spool.dev \"nope\" not found");
        status["status"]!.GetValue<string>().Should().Be("Failure");
    }

    [Test]
    public async Task Create_in_a_missing_namespace_is_NotFound()
    {
        var (code, status) = await Api.PostAsync(Http, "/api/v1/namespaces/ghost/configmaps", Api.ConfigMap("c"));
        code.Should().Be(HttpStatusCode.NotFound);
        status!["message"]!.GetValue<string>().Should().Be("namespaces \"ghost\" not found");
    }

    [Test]
    public async Task Update_with_a_stale_resource_version_is_a_Conflict_with_the_real_message()
    {
        var created = await Api.CreateOkAsync(Http, Api.Widgets, Api.Widget("stale"));
        var first = created.DeepClone().AsObject();
        first["spec"]!["size"] = 20;
        var (okCode, _) = await Api.PutAsync(Http, Api.Widgets + "/stale", first);
        okCode.Should().Be(HttpStatusCode.OK);

        var second = created.DeepClone().AsObject();
        second["spec"]!["size"] = 30;
        var (code, status) = await Api.PutAsync(Http, Api.Widgets + "/stale", second);
        code.Should().Be(HttpStatusCode.Conflict);
        status!["reason"]!.GetValue<string>().Should().Be("Conflict");
        status["message"]!.GetValue<string>().Should().Be("Operation cannot be fulfilled on widgets.test.spool.dev \"stale\": the object has been modified; please apply your changes to the latest version and try again");
    }

    [Test]
    public async Task Main_resource_writes_ignore_status_and_bump_generation_only_on_spec_changes()
    {
        var created = await Api.CreateOkAsync(Http, Api.Widgets, Api.Widget("gen"));
        var withStatus = created.DeepClone().AsObject();
        withStatus["status"] = new JsonObject { ["phase"] = "Hacked" };
        var (_, afterStatusWrite) = await Api.PutAsync(Http, Api.Widgets + "/gen", withStatus);
        afterStatusWrite!.ContainsKey("status").Should().BeFalse();
        afterStatusWrite["metadata"]!["generation"]!.GetValue<long>().Should().Be(1);

        var labelled = afterStatusWrite.DeepClone().AsObject();
        labelled["metadata"]!["labels"] = new JsonObject { ["x"] = "y" };
        var (_, afterLabel) = await Api.PutAsync(Http, Api.Widgets + "/gen", labelled);
        afterLabel!["metadata"]!["generation"]!.GetValue<long>().Should().Be(1);

        var (_, afterSpec) = await Api.PatchAsync(Http, Api.Widgets + "/gen", "application/merge-patch+json", new JsonObject { ["spec"] = new JsonObject { ["size"] = 99 } });
        afterSpec!["metadata"]!["generation"]!.GetValue<long>().Should().Be(2);
    }

    [Test]
    public async Task Status_writes_never_change_spec()
    {
        var created = await Api.CreateOkAsync(Http, Api.Widgets, Api.Widget("stat", size: 4));
        var body = created.DeepClone().AsObject();
        body["spec"]!["size"] = 500;
        body["status"] = new JsonObject { ["phase"] = "Running" };
        var (code, updated) = await Api.PutAsync(Http, Api.Widgets + "/stat/status", body);
        code.Should().Be(HttpStatusCode.OK);
        updated!["spec"]!["size"]!.GetValue<long>().Should().Be(4);
        updated["status"]!["phase"]!.GetValue<string>().Should().Be("Running");
        updated["metadata"]!["generation"]!.GetValue<long>().Should().Be(1);

        var (_, patched) = await Api.PatchAsync(Http, Api.Widgets + "/stat/status", "application/merge-patch+json", new JsonObject { ["status"] = new JsonObject { ["phase"] = "Done" }, ["spec"] = new JsonObject { ["size"] = 7 } });
        patched!["status"]!["phase"]!.GetValue<string>().Should().Be("Done");
        patched["spec"]!["size"]!.GetValue<long>().Should().Be(4);
    }

    [Test]
    public async Task Resources_without_a_status_subresource_store_status_from_the_main_write()
    {
        var cm = Api.ConfigMap("with-status");
        cm["status"] = new JsonObject { ["x"] = 1 };
        var created = await Api.CreateOkAsync(Http, "/api/v1/namespaces/default/configmaps", cm);
        created["status"]!["x"]!.GetValue<int>().Should().Be(1);
    }

    [Test]
    public async Task Unchanged_update_keeps_the_resource_version()
    {
        var created = await Api.CreateOkAsync(Http, Api.Widgets, Api.Widget("noop"));
        var (_, same) = await Api.PatchAsync(Http, Api.Widgets + "/noop", "application/merge-patch+json", new JsonObject { ["spec"] = new JsonObject { ["mode"] = "Full" } });
        Api.Rv(same).Should().Be(Api.Rv(created));
    }

    [Test]
    public async Task Delete_with_finalizers_marks_and_removing_the_last_finalizer_deletes()
    {
        var body = Api.Widget("fin");
        body["metadata"]!["finalizers"] = new JsonArray("spool.dev/cleanup");
        await Api.CreateOkAsync(Http, Api.Widgets, body);
        var (code, marked) = await Api.DeleteAsync(Http, Api.Widgets + "/fin");
        code.Should().Be(HttpStatusCode.OK);
        marked!["metadata"]!["deletionTimestamp"].Should().NotBeNull();
        var (_, stillThere) = await Api.GetAsync(Http, Api.Widgets + "/fin");
        stillThere!["metadata"]!["deletionTimestamp"].Should().NotBeNull();
        stillThere["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<long>().Should().Be(0);

        var (patchCode, _) = await Api.PatchAsync(Http, Api.Widgets + "/fin", "application/merge-patch+json", new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = null } });
        patchCode.Should().Be(HttpStatusCode.OK);
        var (gone, _) = await Api.GetAsync(Http, Api.Widgets + "/fin");
        gone.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Delete_preconditions_are_checked()
    {
        var created = await Api.CreateOkAsync(Http, Api.Widgets, Api.Widget("pre"));
        var (code, status) = await Api.DeleteAsync(Http, Api.Widgets + "/pre", new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1", ["preconditions"] = new JsonObject { ["uid"] = "not-the-uid" } });
        code.Should().Be(HttpStatusCode.Conflict);
        status!["message"]!.GetValue<string>().Should().Contain("Precondition failed: UID in precondition: not-the-uid");
        var (rvCode, _) = await Api.DeleteAsync(Http, Api.Widgets + "/pre", new JsonObject { ["preconditions"] = new JsonObject { ["resourceVersion"] = "1" } });
        rvCode.Should().Be(HttpStatusCode.Conflict);
        var (ok, _) = await Api.DeleteAsync(Http, Api.Widgets + "/pre", new JsonObject { ["preconditions"] = new JsonObject { ["uid"] = created["metadata"]!["uid"]!.DeepClone(), ["resourceVersion"] = Api.Rv(created) } });
        ok.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Background_deletion_collects_dependents_and_orphan_keeps_them()
    {
        var owner = await Api.CreateOkAsync(Http, Api.Widgets, Api.Widget("owner"));
        var ownerRef = new JsonArray(new JsonObject { ["apiVersion"] = "test.spool.dev/v1", ["kind"] = "Widget", ["name"] = "owner", ["uid"] = owner["metadata"]!["uid"]!.DeepClone() });
        var dep = Api.ConfigMap("dependent");
        dep["metadata"]!["ownerReferences"] = ownerRef.DeepClone();
        await Api.CreateOkAsync(Http, "/api/v1/namespaces/default/configmaps", dep);
        await Api.DeleteAsync(Http, Api.Widgets + "/owner", new JsonObject { ["propagationPolicy"] = "Background" });
        (await Api.GetAsync(Http, "/api/v1/namespaces/default/configmaps/dependent")).Code.Should().Be(HttpStatusCode.NotFound);

        var owner2 = await Api.CreateOkAsync(Http, Api.Widgets, Api.Widget("owner2"));
        var orphan = Api.ConfigMap("orphan");
        orphan["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "test.spool.dev/v1", ["kind"] = "Widget", ["name"] = "owner2", ["uid"] = owner2["metadata"]!["uid"]!.DeepClone() });
        await Api.CreateOkAsync(Http, "/api/v1/namespaces/default/configmaps", orphan);
        await Api.DeleteAsync(Http, Api.Widgets + "/owner2?propagationPolicy=Orphan");
        var (code, kept) = await Api.GetAsync(Http, "/api/v1/namespaces/default/configmaps/orphan");
        code.Should().Be(HttpStatusCode.OK);
        kept!["metadata"]!.AsObject().ContainsKey("ownerReferences").Should().BeFalse();
    }

    [Test]
    public async Task Deleting_a_namespace_deletes_its_contents()
    {
        await Api.CreateOkAsync(Http, "/api/v1/namespaces", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "doomed" } });
        await Api.CreateOkAsync(Http, "/api/v1/namespaces/doomed/configmaps", Api.ConfigMap("one"));
        var held = Api.ConfigMap("held");
        held["metadata"]!["finalizers"] = new JsonArray("x/y");
        await Api.CreateOkAsync(Http, "/api/v1/namespaces/doomed/configmaps", held);
        await Api.DeleteAsync(Http, "/api/v1/namespaces/doomed");
        (await Api.GetAsync(Http, "/api/v1/namespaces/doomed/configmaps/one")).Code.Should().Be(HttpStatusCode.NotFound);
        var (_, ns) = await Api.GetAsync(Http, "/api/v1/namespaces/doomed");
        ns!["status"]!["phase"]!.GetValue<string>().Should().Be("Terminating");
        var (forbidden, _) = await Api.PostAsync(Http, "/api/v1/namespaces/doomed/configmaps", Api.ConfigMap("late"));
        forbidden.Should().Be(HttpStatusCode.Forbidden);
        await Api.PatchAsync(Http, "/api/v1/namespaces/doomed/configmaps/held", "application/merge-patch+json", new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = null } });
        (await Api.GetAsync(Http, "/api/v1/namespaces/doomed")).Code.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Cluster_scoped_resources_ignore_namespaces()
    {
        var node = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Node", ["metadata"] = new JsonObject { ["name"] = "node-1", ["namespace"] = "default" } };
        var created = await Api.CreateOkAsync(Http, "/api/v1/nodes", node);
        created["metadata"]!.AsObject().ContainsKey("namespace").Should().BeFalse();
        (await Api.GetAsync(Http, "/api/v1/nodes/node-1")).Code.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Label_selectors_support_all_operators()
    {
        const string path = "/api/v1/namespaces/default/configmaps";
        await Api.CreateOkAsync(Http, path, Api.ConfigMap("sel-1", labels: new JsonObject { ["sel"] = "t", ["tier"] = "a", ["n"] = "1" }));
        await Api.CreateOkAsync(Http, path, Api.ConfigMap("sel-2", labels: new JsonObject { ["sel"] = "t", ["tier"] = "b" }));
        await Api.CreateOkAsync(Http, path, Api.ConfigMap("sel-3", labels: new JsonObject { ["sel"] = "t" }));

        async Task<string[]> Names(string selector)
        {
            var (code, list) = await Api.GetAsync(Http, path + "?labelSelector=" + Uri.EscapeDataString(selector));
            code.Should().Be(HttpStatusCode.OK, list?.ToJsonString());
            return [.. list!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Order()];
        }

        (await Names("sel=t,tier=a")).Should().Equal("sel-1");
        (await Names("sel==t,tier!=a")).Should().Equal("sel-2", "sel-3");
        (await Names("sel=t,tier in (a,b)")).Should().Equal("sel-1", "sel-2");
        (await Names("sel=t,tier notin (a)")).Should().Equal("sel-2", "sel-3");
        (await Names("sel=t,tier")).Should().Equal("sel-1", "sel-2");
        (await Names("sel=t,!tier")).Should().Equal("sel-3");
        var (bad, status) = await Api.GetAsync(Http, path + "?labelSelector=" + Uri.EscapeDataString("tier in a"));
        bad.Should().Be(HttpStatusCode.BadRequest);
        status!["kind"]!.GetValue<string>().Should().Be("Status");
    }

    [Test]
    public async Task Field_selectors_filter_pods_by_node_and_phase_and_reject_unknown_fields()
    {
        const string path = "/api/v1/namespaces/default/pods";
        JsonObject Pod(string name, string node) => new()
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject { ["nodeName"] = node, ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "i" }) },
        };
        await Api.CreateOkAsync(Http, path, Pod("p1", "n1"));
        await Api.CreateOkAsync(Http, path, Pod("p2", "n2"));
        await Api.PatchAsync(Http, path + "/p2/status", "application/merge-patch+json", new JsonObject { ["status"] = new JsonObject { ["phase"] = "Running" } });
        var (_, byNode) = await Api.GetAsync(Http, path + "?fieldSelector=spec.nodeName%3Dn1");
        byNode!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Should().Equal("p1");
        var (_, byPhase) = await Api.GetAsync(Http, path + "?fieldSelector=status.phase%3DRunning");
        byPhase!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Should().Equal("p2");
        var (_, byName) = await Api.GetAsync(Http, path + "?fieldSelector=metadata.name!%3Dp2,metadata.namespace%3Ddefault");
        byName!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Should().Contain("p1").And.NotContain("p2");
        var (bad, status) = await Api.GetAsync(Http, path + "?fieldSelector=spec.bogus%3Dx");
        bad.Should().Be(HttpStatusCode.BadRequest);
        status!["message"]!.GetValue<string>().Should().Be("field label not supported: spec.bogus");
    }

    [Test]
    public async Task Crd_selectable_fields_work_as_field_selectors()
    {
        await Api.CreateOkAsync(Http, Api.Widgets, Api.Widget("sf-inc", "Incremental"));
        var (code, list) = await Api.GetAsync(Http, Api.Widgets + "?fieldSelector=spec.mode%3DIncremental");
        code.Should().Be(HttpStatusCode.OK);
        list!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Should().Contain("sf-inc");
        list["items"]!.AsArray().Should().OnlyContain(i => i!["spec"]!["mode"]!.GetValue<string>() == "Incremental");
    }

    [Test]
    public async Task List_pages_with_limit_and_continue()
    {
        await Api.CreateOkAsync(Http, "/api/v1/namespaces", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "paging" } });
        for (var i = 0; i < 7; i++)
        {
            await Api.CreateOkAsync(Http, "/api/v1/namespaces/paging/configmaps", Api.ConfigMap($"page-{i}"));
        }

        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var url = "/api/v1/namespaces/paging/configmaps?limit=3" + (token is null ? string.Empty : "&continue=" + Uri.EscapeDataString(token));
            var (code, list) = await Api.GetAsync(Http, url);
            code.Should().Be(HttpStatusCode.OK);
            list!["kind"]!.GetValue<string>().Should().Be("ConfigMapList");
            list["metadata"]!["resourceVersion"]!.GetValue<string>().Should().NotBeEmpty();
            names.AddRange(list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
            token = list["metadata"]!["continue"]?.GetValue<string>();
            pages++;
        }
        while (token is not null);

        pages.Should().Be(3);
        names.Should().Equal(Enumerable.Range(0, 7).Select(i => $"page-{i}"));
    }

    [Test]
    public async Task Discovery_lists_built_ins_and_custom_resources_with_short_names_and_categories()
    {
        var (_, core) = await Api.GetAsync(Http, "/api/v1");
        var pods = core!["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "pods")!;
        pods["namespaced"]!.GetValue<bool>().Should().BeTrue();
        pods["shortNames"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Contain("po");
        core["resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).Should().Contain(["pods/status", "pods/exec", "pods/log", "namespaces", "secrets", "events", "persistentvolumeclaims"]);

        var (_, groups) = await Api.GetAsync(Http, "/apis");
        groups!["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).Should().Contain(["apps", "coordination.k8s.io", "rbac.authorization.k8s.io", "snapshot.storage.k8s.io", "events.k8s.io", "storage.k8s.io", "apiextensions.k8s.io", "policy", "test.spool.dev"]);

        var (_, widgets) = await Api.GetAsync(Http, "/apis/test.spool.dev/v1");
        var w = widgets!["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "widgets")!;
        w["kind"]!.GetValue<string>().Should().Be("Widget");
        w["singularName"]!.GetValue<string>().Should().Be("widget");
        w["shortNames"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("wdg");
        w["categories"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("spooltest");
        w["verbs"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Contain(["get", "list", "watch", "create", "update", "patch", "delete"]);
        widgets["resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).Should().Contain("widgets/status");

        var (_, version) = await Api.GetAsync(Http, "/version");
        version!["major"]!.GetValue<string>().Should().Be("1");
    }

    [Test]
    public async Task Table_output_uses_printer_columns()
    {
        await Api.CreateOkAsync(Http, Api.Widgets, Api.Widget("tbl", "Incremental", 42));
        await Api.PatchAsync(Http, Api.Widgets + "/tbl/status", "application/merge-patch+json", new JsonObject { ["status"] = new JsonObject { ["phase"] = "Running", ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }) } });
        var (code, table) = await Api.SendRawAsync(Http, HttpMethod.Get, Api.Widgets + "/tbl", null, "application/json", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        code.Should().Be(HttpStatusCode.OK);
        table!["kind"]!.GetValue<string>().Should().Be("Table");
        table["apiVersion"]!.GetValue<string>().Should().Be("meta.k8s.io/v1");
        table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).Should().Equal("Name", "Mode", "Size", "Phase", "Ready", "Age");
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        cells[0]!.GetValue<string>().Should().Be("tbl");
        cells[1]!.GetValue<string>().Should().Be("Incremental");
        cells[2]!.GetValue<long>().Should().Be(42);
        cells[3]!.GetValue<string>().Should().Be("Running");
        cells[4]!.GetValue<string>().Should().Be("True");
        cells[5]!.GetValue<string>().Should().MatchRegex("^[0-9]+s$");
        table["rows"]![0]!["object"]!["kind"]!.GetValue<string>().Should().Be("PartialObjectMetadata");
    }

    [Test]
    public async Task Crd_deletion_stops_serving_its_resources()
    {
        var crd = Api.WidgetCrd();
        crd["metadata"]!["name"] = "gadgets.test.spool.dev";
        crd["spec"]!["names"] = new JsonObject { ["plural"] = "gadgets", ["singular"] = "gadget", ["kind"] = "Gadget" };
        await Api.CreateOkAsync(Http, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
        var (_, stored) = await Api.GetAsync(Http, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.test.spool.dev");
        stored!["status"]!["conditions"]!.AsArray().Should().Contain(c => c!["type"]!.GetValue<string>() == "Established" && c["status"]!.GetValue<string>() == "True");
        var gadget = new JsonObject { ["apiVersion"] = "test.spool.dev/v1", ["kind"] = "Gadget", ["metadata"] = new JsonObject { ["name"] = "g" }, ["spec"] = new JsonObject { ["mode"] = "Full" } };
        await Api.CreateOkAsync(Http, "/apis/test.spool.dev/v1/namespaces/default/gadgets", gadget);
        await Api.DeleteAsync(Http, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.test.spool.dev");
        (await Api.GetAsync(Http, "/apis/test.spool.dev/v1/namespaces/default/gadgets/g")).Code.Should().Be(HttpStatusCode.NotFound);
        var (_, widgets) = await Api.GetAsync(Http, "/apis/test.spool.dev/v1");
        widgets!["resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).Should().NotContain("gadgets");
    }

    [Test]
    public async Task Events_are_accepted_in_core_and_events_k8s_io()
    {
        var core = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["generateName"] = "widget." },
            ["involvedObject"] = new JsonObject { ["kind"] = "Widget", ["name"] = "x", ["namespace"] = "default" },
            ["reason"] = "Started",
            ["message"] = "Started backup",
            ["type"] = "Normal",
        };
        await Api.CreateOkAsync(Http, "/api/v1/namespaces/default/events", core);
        var modern = new JsonObject
        {
            ["apiVersion"] = "events.k8s.io/v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["name"] = "e1" },
            ["eventTime"] = "2026-01-01T00:00:00.000000Z",
            ["reason"] = "Claimed",
            ["note"] = "Claimed drive",
            ["type"] = "Normal",
            ["action"] = "Claim",
            ["reportingController"] = "spool.dev/operator",
            ["reportingInstance"] = "op-1",
            ["regarding"] = new JsonObject { ["kind"] = "Widget", ["name"] = "x" },
        };
        await Api.CreateOkAsync(Http, "/apis/events.k8s.io/v1/namespaces/default/events", modern);
        var (_, list) = await Api.GetAsync(Http, "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dx");
        list!["items"]!.AsArray().Should().ContainSingle();
    }

    [Test]
    public async Task Leases_support_optimistic_concurrency()
    {
        const string path = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
        var lease = new JsonObject { ["apiVersion"] = "coordination.k8s.io/v1", ["kind"] = "Lease", ["metadata"] = new JsonObject { ["name"] = "leader" }, ["spec"] = new JsonObject { ["holderIdentity"] = "a", ["leaseDurationSeconds"] = 15 } };
        var created = await Api.CreateOkAsync(Http, path, lease);
        var takeover = created.DeepClone().AsObject();
        takeover["spec"]!["holderIdentity"] = "b";
        (await Api.PutAsync(Http, path + "/leader", takeover)).Code.Should().Be(HttpStatusCode.OK);
        var late = created.DeepClone().AsObject();
        late["spec"]!["holderIdentity"] = "c";
        (await Api.PutAsync(Http, path + "/leader", late)).Code.Should().Be(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Pod_exec_without_a_handler_is_a_clear_NotImplemented_status()
    {
        var pod = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = new JsonObject { ["name"] = "exec-me" }, ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "i" }) } };
        await Api.CreateOkAsync(Http, "/api/v1/namespaces/default/pods", pod);
        var (code, status) = await Api.SendRawAsync(Http, HttpMethod.Post, "/api/v1/namespaces/default/pods/exec-me/exec?command=ls", null, "application/json");
        code.Should().Be(HttpStatusCode.NotImplemented);
        status!["reason"]!.GetValue<string>().Should().Be("NotImplemented");
        status["message"]!.GetValue<string>().Should().Contain("no exec handler");
    }

    [Test]
    public async Task Self_subject_access_review_allows_everything()
    {
        var review = new JsonObject { ["apiVersion"] = "authorization.k8s.io/v1", ["kind"] = "SelfSubjectAccessReview", ["spec"] = new JsonObject { ["resourceAttributes"] = new JsonObject { ["verb"] = "create", ["resource"] = "pods" } } };
        var (code, result) = await Api.PostAsync(Http, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review);
        code.Should().Be(HttpStatusCode.Created);
        result!["status"]!["allowed"]!.GetValue<bool>().Should().BeTrue();
    }
}
