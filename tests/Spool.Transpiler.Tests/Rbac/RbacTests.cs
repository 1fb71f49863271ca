using System.Reflection;
using System.Text.Json.Nodes;

namespace Spool.Transpiler.Tests.Rbac;

/// <summary>
/// The chart grants each program exactly the API calls its compiled code makes: nothing missing (a 403 at run
/// time) and nothing more (least privilege). A failure names the rule to add or remove.
/// </summary>
[Category("Component")]
public sealed class RbacTests
{
    public static IEnumerable<TestCaseData> Programs()
    {
        yield return new TestCaseData("operator", "templates/operator-rbac.yaml").SetArgDisplayNames("operator");
        yield return new TestCaseData("agent", "templates/agent-rbac.yaml").SetArgDisplayNames("agent");
    }

    [TestCaseSource(nameof(Programs))]
    public async Task Chart_grants_every_api_call_the_code_makes(string component, string template)
    {
        var required = ApiCallScanner.Scan(Host(component));
        var granted = Granted(await Helm.TemplateAsync(), component);
        var missing = required.Where(c => !granted.Contains(c.Permission)).Select(c => c.ToString()).Distinct().Order().ToList();
        missing.Should().BeEmpty($"the {component} makes these calls, so add them to charts/spool/{template}");
    }

    [TestCaseSource(nameof(Programs))]
    public async Task Chart_grants_nothing_the_code_does_not_use(string component, string template)
    {
        var required = ApiCallScanner.Scan(Host(component)).Select(c => c.Permission).ToHashSet();
        var granted = Granted(await Helm.TemplateAsync(), component);
        granted.Where(p => !required.Contains(p)).Select(p => p.ToString()).Order().Should()
            .BeEmpty($"no code of the {component} makes these calls, so remove them from charts/spool/{template}");
    }

    [Test]
    public void Scanner_sees_the_agents_fenced_status_writes_lease_and_generic_watches()
    {
        var calls = ApiCallScanner.Scan(HostAssemblies.Agent).Select(c => c.Permission).ToHashSet();
        calls.Should().Contain(new Permission("spool.dev", "backupjobs/status", "update"), "JobStatusWriter<BackupJob> writes checkpoints");
        calls.Should().Contain(new Permission("coordination.k8s.io", "leases", "update"), "the agent renews its node Lease");
        calls.Should().Contain(new Permission("spool.dev", "backupjobs", "watch"), "ResourceWatch<T> is instantiated with BackupJob");
        calls.Should().Contain(new Permission("", "pods/exec", "create"), "hooks run through pods/exec");
        calls.Should().NotContain(p => p.Resource == "nodes", "the agent never touches Node objects");
    }

    [Test]
    public async Task Rules_name_resources_and_verbs_explicitly()
    {
        foreach (var document in await Helm.TemplateAsync())
        {
            if (document["kind"]!.GetValue<string>() is "ClusterRole" or "Role")
            {
                foreach (var rule in document["rules"]?.AsArray() ?? [])
                {
                    var words = new[] { "apiGroups", "resources", "verbs" }.SelectMany(k => rule![k]!.AsArray().Select(v => v!.GetValue<string>()));
                    words.Should().NotContain("*", $"{document["metadata"]!["name"]} must not use wildcards");
                    rule!.AsObject().ContainsKey("nonResourceURLs").Should().BeFalse();
                }
            }
        }
    }

    private static Assembly Host(string component) => component == "operator" ? HostAssemblies.Operator : HostAssemblies.Agent;

    /// <summary>Every (group, resource, verb) that the Roles and ClusterRoles bound to the component's ServiceAccount allow.</summary>
    private static HashSet<Permission> Granted(IReadOnlyList<JsonObject> documents, string component)
    {
        var account = documents.Single(d => d["kind"]!.GetValue<string>() == "ServiceAccount"
            && d["metadata"]!["labels"]!["app.kubernetes.io/component"]!.GetValue<string>() == component)["metadata"]!["name"]!.GetValue<string>();
        var roles = documents
            .Where(d => d["kind"]!.GetValue<string>() is "RoleBinding" or "ClusterRoleBinding")
            .Where(b => b["subjects"]!.AsArray().Any(s => s!["kind"]!.GetValue<string>() == "ServiceAccount" && s["name"]!.GetValue<string>() == account))
            .Select(b => (Kind: b["roleRef"]!["kind"]!.GetValue<string>(), Name: b["roleRef"]!["name"]!.GetValue<string>()))
            .ToList();
        roles.Should().NotBeEmpty($"the {component} ServiceAccount {account} must be bound to its roles");

        var granted = new HashSet<Permission>();
        foreach (var (kind, name) in roles)
        {
            var role = documents.Single(d => d["kind"]!.GetValue<string>() == kind && d["metadata"]!["name"]!.GetValue<string>() == name);
            foreach (var rule in role["rules"]?.AsArray() ?? [])
            {
                foreach (var group in rule!["apiGroups"]!.AsArray())
                {
                    foreach (var resource in rule["resources"]!.AsArray())
                    {
                        foreach (var verb in rule["verbs"]!.AsArray())
                        {
                            granted.Add(new Permission(group!.GetValue<string>(), resource!.GetValue<string>(), verb!.GetValue<string>()));
                        }
                    }
                }
            }
        }

        return granted;
    }
}
