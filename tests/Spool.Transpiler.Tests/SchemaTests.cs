using System.Text.Json.Nodes;
using Spool.Api.V1Alpha1;

namespace Spool.Transpiler.Tests;

public sealed class SchemaTests
{
    [Test]
    public void Every_spool_entity_gets_a_crd()
    {
        var kinds = typeof(SpoolGroup).Assembly.GetTypes()
            .Where(t => t.GetCustomAttributes(typeof(Spool.Api.KubernetesEntityAttribute), false)
                .Cast<Spool.Api.KubernetesEntityAttribute>().Any(e => e.Group == SpoolGroup.Name))
            .Select(t => t.Name);
        Crds.Generator.Definitions.Select(d => d["spec"]!["names"]!["kind"]!.GetValue<string>())
            .Should().BeEquivalentTo(kinds).And.Contain(["BackupJob", "RestoreJob", "TapeDrive"]);
    }

    [TestCase("backupjobs", "BackupJob", "Namespaced", "bj")]
    [TestCase("restorejobs", "RestoreJob", "Namespaced", "rj")]
    [TestCase("tapedrives", "TapeDrive", "Cluster", "td")]
    public void Names_scope_short_names_and_category(string plural, string kind, string scope, string shortName)
    {
        var crd = Crds.Definition(plural);
        crd["apiVersion"]!.GetValue<string>().Should().Be("apiextensions.k8s.io/v1");
        crd["metadata"]!["name"]!.GetValue<string>().Should().Be($"{plural}.spool.dev");
        var spec = crd["spec"]!;
        spec["group"]!.GetValue<string>().Should().Be("spool.dev");
        spec["scope"]!.GetValue<string>().Should().Be(scope);
        spec["names"]!["kind"]!.GetValue<string>().Should().Be(kind);
        spec["names"]!["listKind"]!.GetValue<string>().Should().Be(kind + "List");
        spec["names"]!["singular"]!.GetValue<string>().Should().Be(kind.ToLowerInvariant());
        Crds.Strings(spec["names"]!["shortNames"]).Should().Equal(shortName);
        Crds.Strings(spec["names"]!["categories"]).Should().Equal("spool");
        var version = Crds.Version(plural);
        version["name"]!.GetValue<string>().Should().Be("v1alpha1");
        version["served"]!.GetValue<bool>().Should().BeTrue();
        version["storage"]!.GetValue<bool>().Should().BeTrue();
        version["subresources"]!["status"].Should().BeOfType<JsonObject>().Which.Count.Should().Be(0);
    }

    [TestCase("backupjobs", new[] { "Phase", "Node", "Drive", "Progress", "Size", "Epoch", "Age" })]
    [TestCase("restorejobs", new[] { "Phase", "Node", "Progress", "Age" })]
    [TestCase("tapedrives", new[] { "Type", "Phase", "Holder", "Age" })]
    public void Printer_columns_in_order(string plural, string[] names)
    {
        var columns = Crds.Version(plural)["additionalPrinterColumns"]!.AsArray();
        columns.Select(c => c!["name"]!.GetValue<string>()).Should().Equal(names);
        var age = columns.Single(c => c!["name"]!.GetValue<string>() == "Age")!;
        age["type"]!.GetValue<string>().Should().Be("date");
        age["jsonPath"]!.GetValue<string>().Should().Be(".metadata.creationTimestamp");
        columns.Single(c => c!["name"]!.GetValue<string>() == "Phase")!["jsonPath"]!.GetValue<string>().Should().Be(".status.phase");
    }

    [Test]
    public void Backup_columns_point_at_status_fields_that_exist()
    {
        foreach (var plural in new[] { "backupjobs", "restorejobs", "tapedrives" })
        {
            foreach (var column in Crds.Version(plural)["additionalPrinterColumns"]!.AsArray())
            {
                var path = column!["jsonPath"]!.GetValue<string>().TrimStart('.');
                if (path.StartsWith("metadata.", StringComparison.Ordinal))
                {
                    continue;
                }

                var act = () => Crds.At(plural, path);
                act.Should().NotThrow($"{plural} column {column["name"]} reads {path}");
            }
        }
    }

    [Test]
    public void Enums_come_from_the_csharp_enums_by_member_name()
    {
        Crds.Strings(Crds.At("backupjobs", "spec.mode")["enum"]).Should().Equal("Full", "Incremental");
        Crds.Strings(Crds.At("backupjobs", "spec.restartPolicy")["enum"]).Should().Equal("Checkpoint", "Fresh");
        Crds.Strings(Crds.At("backupjobs", "spec.destination.redundancy.mode")["enum"]).Should().Equal("None", "Mirror", "Parity");
        Crds.Strings(Crds.At("backupjobs", "spec.source.replica.policy")["enum"])
            .Should().Equal("PreferSecondary", "SecondaryOnly", "PrimaryOnly", "PreferPrimary");
        Crds.Strings(Crds.At("backupjobs", "status.phase")["enum"]).Should().Equal(Enum.GetNames<BackupPhase>());
        Crds.Strings(Crds.At("tapedrives", "status.phase")["enum"]).Should().Equal("Available", "InUse", "Offline", "Failed");
        Crds.Strings(Crds.At("tapedrives", "spec.type")["enum"]).Should().Equal("Directory", "Tape");
        Crds.At("tapedrives", "spec.type")["type"]!.GetValue<string>().Should().Be("string");
    }

    [Test]
    public void Defaults_come_from_DefaultValue_only()
    {
        Crds.At("backupjobs", "spec.restartPolicy")["default"]!.GetValue<string>().Should().Be("Checkpoint");
        Crds.At("backupjobs", "spec.mode")["default"]!.GetValue<string>().Should().Be("Full");
        Crds.At("backupjobs", "spec.checkpoint.intervalBytes")["default"]!.GetValue<long>().Should().Be(67108864);
        Crds.At("backupjobs", "spec.checkpoint.intervalSeconds")["default"]!.GetValue<long>().Should().Be(10);
        Crds.At("backupjobs", "spec.maxConcurrentPerNode")["default"]!.GetValue<long>().Should().Be(1);
        Crds.At("tapedrives", "spec.blockSizeBytes")["default"]!.GetValue<long>().Should().Be(262144);
        Crds.At("backupjobs", "spec.source.replica.roleLabel")["default"]!.GetValue<string>().Should().Be("role");
        Crds.At("backupjobs", "spec.allowPartialSuccess").ContainsKey("default").Should().BeFalse();
        Crds.At("tapedrives", "spec.offline").ContainsKey("default").Should().BeFalse();
    }

    [Test]
    public void Every_default_satisfies_its_own_schema()
    {
        foreach (var crd in Crds.Generator.Definitions)
        {
            foreach (var (path, schema) in Walk(crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.AsObject(), ""))
            {
                if (schema["default"] is { } value)
                {
                    var copy = schema.DeepClone().AsObject();
                    copy.Remove("default");
                    StructuralSchemaValidator.Validate(value, copy).Should().BeEmpty($"the default of {path} must be valid");
                }
            }
        }
    }

    [Test]
    public void Required_comes_from_Required_only()
    {
        Crds.Strings(Crds.Schema("backupjobs")["required"]).Should().Equal("spec");
        Crds.Strings(Crds.At("backupjobs", "spec")["required"]).Should().Equal("source", "destination");
        Crds.Strings(Crds.At("tapedrives", "spec")["required"]).Should().Equal("type", "path");
        Crds.Strings(Crds.At("backupjobs", "spec.destination.encryption.secretRef")["required"]).Should().Equal("name", "key");
        Crds.Strings(Crds.At("backupjobs", "spec.source.hooks.pre[]")["required"]).Should().Equal("command");
        // Non-nullable value types are not required: the serialiser always writes them, users leave them out.
        Crds.At("backupjobs", "spec.checkpoint").ContainsKey("required").Should().BeFalse();
        Crds.At("backupjobs", "status").ContainsKey("required").Should().BeFalse();
    }

    [Test]
    public void Numbers_formats_and_bounds()
    {
        var intervalBytes = Crds.At("backupjobs", "spec.checkpoint.intervalBytes");
        intervalBytes["type"]!.GetValue<string>().Should().Be("integer");
        intervalBytes["format"]!.GetValue<string>().Should().Be("int64");
        intervalBytes["minimum"]!.GetValue<long>().Should().Be(1048576);
        intervalBytes.ContainsKey("maximum").Should().BeFalse("a bound at long.MaxValue says nothing");

        var seconds = Crds.At("backupjobs", "spec.checkpoint.intervalSeconds");
        seconds["format"]!.GetValue<string>().Should().Be("int32");
        seconds["minimum"]!.GetValue<long>().Should().Be(1);
        seconds["maximum"]!.GetValue<long>().Should().Be(3600);

        var width = Crds.At("backupjobs", "spec.destination.redundancy.width");
        width["minimum"]!.GetValue<long>().Should().Be(1);
        width["maximum"]!.GetValue<long>().Should().Be(9);

        var load = Crds.At("backupjobs", "spec.source.replica.maxPrimaryLoad");
        load["type"]!.GetValue<string>().Should().Be("number");
        load["maximum"]!.GetValue<double>().Should().Be(1.0);

        Crds.At("backupjobs", "status.progress.bytesPerSecond")["type"]!.GetValue<string>().Should().Be("number");
        Crds.At("backupjobs", "status.startTime")["format"]!.GetValue<string>().Should().Be("date-time");
        Crds.At("tapedrives", "spec.offline")["type"]!.GetValue<string>().Should().Be("boolean");
    }

    [Test]
    public void Strings_patterns_and_lengths()
    {
        Crds.At("tapedrives", "spec.path")["pattern"]!.GetValue<string>().Should().Be("^/.*");
        var claim = Crds.At("backupjobs", "spec.source.persistentVolumeClaim");
        claim["pattern"]!.GetValue<string>().Should().StartWith("^[a-z0-9]");
        claim["maxLength"]!.GetValue<long>().Should().Be(253);
        Crds.At("backupjobs", "spec.destination.encryption.secretRef.name")["minLength"]!.GetValue<long>().Should().Be(1);
        Crds.At("backupjobs", "spec.source.hooks.pre[].command")["minItems"]!.GetValue<long>().Should().Be(1);
    }

    [Test]
    public void Maps_lists_and_conditions()
    {
        var labels = Crds.At("backupjobs", "spec.source.selector.matchLabels");
        labels["type"]!.GetValue<string>().Should().Be("object");
        labels["additionalProperties"]!["type"]!.GetValue<string>().Should().Be("string");

        Crds.At("backupjobs", "spec.destination.drives")["items"]!["type"]!.GetValue<string>().Should().Be("string");

        foreach (var plural in new[] { "backupjobs", "restorejobs", "tapedrives" })
        {
            var conditions = Crds.At(plural, "status.conditions");
            conditions["x-kubernetes-list-type"]!.GetValue<string>().Should().Be("map");
            Crds.Strings(conditions["x-kubernetes-list-map-keys"]).Should().Equal("type");
            Crds.Strings(conditions["items"]!["required"]).Should().Contain("type", "a list-map key must be required");
        }
    }

    [Test]
    public void Metadata_is_a_plain_object()
    {
        foreach (var plural in new[] { "backupjobs", "restorejobs", "tapedrives" })
        {
            var metadata = Crds.At(plural, "metadata");
            metadata["type"]!.GetValue<string>().Should().Be("object");
            metadata.ContainsKey("properties").Should().BeFalse();
        }
    }

    [Test]
    public void Cross_field_rules_become_validations()
    {
        var rules = Crds.At("backupjobs", "spec.source")["x-kubernetes-validations"]!.AsArray();
        rules.Select(r => r!["rule"]!.GetValue<string>()).Should().Contain("has(self.persistentVolumeClaim) != has(self.selector)");
        rules.Should().AllSatisfy(r => r!["message"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace());
        Crds.At("backupjobs", "spec.destination.redundancy")["x-kubernetes-validations"]!.AsArray().Should().HaveCount(2);
        Crds.At("restorejobs", "spec.target")["x-kubernetes-validations"]!.AsArray().Should().ContainSingle();
    }

    [Test]
    public void Every_rule_parses()
    {
        foreach (var crd in Crds.Generator.Definitions)
        {
            foreach (var (path, schema) in Walk(crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.AsObject(), ""))
            {
                foreach (var rule in schema["x-kubernetes-validations"]?.AsArray() ?? [])
                {
                    var text = rule!["rule"]!.GetValue<string>();
                    var act = () => CelEvaluator.Parse(text);
                    act.Should().NotThrow($"the rule at {path} must be CEL this suite understands");
                }
            }
        }
    }

    [Test]
    public void Every_property_has_a_description()
    {
        var missing = new List<string>();
        foreach (var crd in Crds.Generator.Definitions)
        {
            var kind = crd["spec"]!["names"]!["kind"]!.GetValue<string>();
            var root = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.AsObject();
            root.ContainsKey("description").Should().BeTrue($"{kind} needs a type summary");
            missing.AddRange(Walk(root, "").Where(x => x.Path.Length > 0 && !x.Path.EndsWith("[]", StringComparison.Ordinal)
                && !x.Path.EndsWith("{}", StringComparison.Ordinal) && !x.Schema.ContainsKey("description")).Select(x => $"{kind} {x.Path}"));
        }

        missing.Should().BeEmpty("every field needs an XML <summary> for kubectl explain");
    }

    [Test]
    public void Schemas_are_structural()
    {
        foreach (var crd in Crds.Generator.Definitions)
        {
            foreach (var (path, schema) in Walk(crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.AsObject(), ""))
            {
                (schema.ContainsKey("type") || schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true)
                    .Should().BeTrue($"{path} needs a type");
                schema.ContainsKey("$ref").Should().BeFalse();
                schema.ContainsKey("nullable").Should().BeFalse();
                if (schema["type"]?.GetValue<string>() == "array")
                {
                    schema.ContainsKey("items").Should().BeTrue($"{path} needs items");
                }
            }
        }
    }

    internal static IEnumerable<(string Path, JsonObject Schema)> Walk(JsonObject schema, string path)
    {
        yield return (path, schema);
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                foreach (var x in Walk(child!.AsObject(), path.Length == 0 ? name : $"{path}.{name}"))
                {
                    yield return x;
                }
            }
        }

        if (schema["items"] is JsonObject items)
        {
            foreach (var x in Walk(items, path + "[]"))
            {
                yield return x;
            }
        }

        if (schema["additionalProperties"] is JsonObject values)
        {
            foreach (var x in Walk(values, path + "{}"))
            {
                yield return x;
            }
        }
    }
}
