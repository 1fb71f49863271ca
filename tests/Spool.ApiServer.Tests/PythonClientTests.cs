using Spool.Testing;

namespace Spool.ApiServer.Tests;

/// <summary>Debian's python3-kubernetes (only importable by /usr/bin/python3) against the embedded server.</summary>
public sealed class PythonClientTests
{
    private const string Script = """
        import sys, threading, time
        from kubernetes import client, config, watch

        config.load_kube_config(config_file=sys.argv[1])
        api = client.CustomObjectsApi()
        group, version, ns, plural = "test.spool.dev", "v1", "default", "widgets"

        body = {"apiVersion": "test.spool.dev/v1", "kind": "Widget", "metadata": {"name": "py-a"}, "spec": {"mode": "Full"}}
        api.create_namespaced_custom_object(group, version, ns, plural, body)

        listed = api.list_namespaced_custom_object(group, version, ns, plural)
        names = [i["metadata"]["name"] for i in listed["items"]]
        assert "py-a" in names, names
        print("list ok", names)

        rv = listed["metadata"]["resourceVersion"]
        def create_later():
            time.sleep(0.5)
            api.create_namespaced_custom_object(group, version, ns, plural,
                {"apiVersion": "test.spool.dev/v1", "kind": "Widget", "metadata": {"name": "py-b"}, "spec": {"mode": "Incremental"}})
        threading.Thread(target=create_later).start()

        seen = []
        w = watch.Watch()
        for event in w.stream(api.list_namespaced_custom_object, group, version, ns, plural, resource_version=rv, timeout_seconds=10):
            seen.append((event["type"], event["object"]["metadata"]["name"]))
            if event["object"]["metadata"]["name"] == "py-b":
                w.stop()
        assert ("ADDED", "py-b") in seen, seen
        print("watch ok", seen)

        patched = api.patch_namespaced_custom_object_status(group, version, ns, plural, "py-a",
            {"status": {"phase": "Running", "observedGeneration": 1}})
        assert patched["status"]["phase"] == "Running", patched
        got = api.get_namespaced_custom_object_status(group, version, ns, plural, "py-a")
        assert got["status"]["phase"] == "Running", got
        assert got["spec"]["size"] == 10, got
        print("status ok", got["status"])

        try:
            api.create_namespaced_custom_object(group, version, ns, plural,
                {"apiVersion": "test.spool.dev/v1", "kind": "Widget", "metadata": {"name": "py-bad"}, "spec": {"mode": "Nope"}})
            raise SystemExit("invalid object was accepted")
        except client.exceptions.ApiException as e:
            assert e.status == 422, e.status
            print("invalid ok", e.status)

        core = client.CoreV1Api()
        pods = core.list_namespace()
        assert "default" in [n.metadata.name for n in pods.items]
        print("core ok")
        """;

    [Test]
    public async Task Custom_objects_api_lists_watches_and_patches_status()
    {
        await ClientTools.EnsureInstalledAsync();
        await using var server = await ApiServerFixture.StartAsync();
        await Api.InstallWidgetCrdAsync(server.Http);
        var result = await ClientTools.PythonAsync(Script, [server.KubeconfigPath]);
        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("list ok").And.Contain("watch ok").And.Contain("status ok").And.Contain("invalid ok").And.Contain("core ok");
    }
}
