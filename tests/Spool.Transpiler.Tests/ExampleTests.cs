using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Spool.Api;
using Spool.Api.V1Alpha1;

namespace Spool.Transpiler.Tests;

/// <summary>Every manifest in examples/ is valid; every manifest under Invalid/ is rejected at the field it names.</summary>
public sealed class ExampleTests
{
    private static readonly JsonSerializerOptions Strict = new(KubeJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    private static readonly Dictionary<string, Type> Kinds = CustomResourceDefinitionBuilder
        .EntityTypes(typeof(SpoolGroup).Assembly, SpoolGroup.Name)
        .ToDictionary(t => t.GetCustomAttribute<KubernetesEntityAttribute>()!.Kind, StringComparer.Ordinal);

    private static CustomResourceValidator Validator => new(Crds.Definitions);

    public static IEnumerable<string> ExampleFiles() =>
        Directory.GetFiles(Path.Combine(FindRoot(), "examples"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static IEnumerable<string> InvalidFiles() =>
        Directory.GetFiles(Path.Combine(FindRoot(), "tests", "Spool.Transpiler.Tests", "Invalid"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [Test]
    public void The_examples_the_readme_promises_exist()
    {
        ExampleFiles().Should().Contain([
            "tapedrives.yaml", "tapedrive-tape.yaml", "backupjob.yaml", "backupjob-parity.yaml", "backupjob-federated.yaml",
            "backupjob-replica.yaml", "backupjob-encrypted.yaml", "restorejob.yaml", "restorejob-newclaim.yaml", "restorejob-federated.yaml"]);
        InvalidFiles().Should().HaveCountGreaterThanOrEqualTo(4);
    }

    [TestCaseSource(nameof(ExampleFiles))]
    public void Example_is_valid_for_the_crds_and_the_csharp_types(string file)
    {
        var documents = YamlDocuments.ReadFile(Path.Combine(RepositoryPaths.Examples, file));
        documents.Should().NotBeEmpty();
        foreach (var document in documents)
        {
            var kind = document["kind"]!.GetValue<string>();
            if (!Kinds.TryGetValue(kind, out var type))
            {
                document["apiVersion"]!.GetValue<string>().Should().Be("v1", $"{file}: only core objects may accompany the examples");
                continue;
            }

            Validator.Validate(document).Should().BeEmpty($"{file} {kind} must pass the CRD schema");

            var typed = (IKubernetesObject)document.Deserialize(type, Strict)!;
            typed.Metadata.Name.Should().NotBeNullOrEmpty();
            DataAnnotationErrors(typed, kind).Should().BeEmpty($"{file} {kind} must pass the C# annotations");

            // What the operator reads back writes the same fields the user wrote (defaults aside).
            var roundTrip = JsonSerializer.SerializeToNode(typed, type, KubeJson.Options)!.AsObject();
            foreach (var (name, _) in document["spec"]!.AsObject())
            {
                roundTrip["spec"]!.AsObject().ContainsKey(name).Should().BeTrue($"{file}: spec.{name} survives a round trip");
            }
        }
    }

    [Test]
    public void Encrypted_example_ships_the_secret_it_references()
    {
        var documents = YamlDocuments.ReadFile(Path.Combine(RepositoryPaths.Examples, "backupjob-encrypted.yaml"));
        var secret = documents.Single(d => d["kind"]!.GetValue<string>() == "Secret");
        var job = documents.Single(d => d["kind"]!.GetValue<string>() == "BackupJob").Deserialize<BackupJob>(KubeJson.Options)!;
        var reference = job.Spec.Destination.Encryption!.SecretRef;
        secret["metadata"]!["name"]!.GetValue<string>().Should().Be(reference.Name);
        var key = secret["stringData"]![reference.Key]!.GetValue<string>();
        Convert.FromBase64String(key).Should().HaveCount(32);
    }

    [Test]
    public void Parity_example_names_width_drives()
    {
        var job = YamlDocuments.ReadFile(Path.Combine(RepositoryPaths.Examples, "backupjob-parity.yaml")).Single().Deserialize<BackupJob>(KubeJson.Options)!;
        job.Spec.Destination.Redundancy!.Mode.Should().Be(RedundancyMode.Parity);
        job.Spec.Destination.Drives.Should().HaveCount(job.Spec.Destination.Redundancy.Width);
    }

    [TestCaseSource(nameof(InvalidFiles))]
    public void Invalid_example_is_rejected_at_its_field(string file)
    {
        var path = Path.Combine(RepositoryPaths.InvalidExamples, file);
        var expected = ExpectedField(path);
        var document = YamlDocuments.ReadFile(path).Single();
        var errors = Validator.Validate(document);
        errors.Should().NotBeEmpty($"{file} must be rejected");
        errors.Select(e => e.Field).Should().Contain(expected, $"{file} must be rejected at {expected}, got: {string.Join("; ", errors)}");
    }

    /// <summary>The field an invalid example must be rejected at, from its <c># expect: FIELD</c> first line.</summary>
    public static string ExpectedField(string path)
    {
        var first = File.ReadLines(path).First();
        first.Should().StartWith("# expect: ", $"{path} must name the field it breaks");
        return first["# expect: ".Length..].Trim();
    }

    private static List<string> DataAnnotationErrors(object value, string path)
    {
        var errors = new List<string>();
        Collect(value, path, errors);
        return errors;
    }

    private static void Collect(object? value, string path, List<string> errors)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || value is DateTimeOffset)
        {
            return;
        }

        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                Collect(item is DictionaryEntry entry ? entry.Value : item, $"{path}[{i++}]", errors);
            }

            return;
        }

        if (value.GetType().Namespace?.StartsWith("Spool.Api", StringComparison.Ordinal) != true)
        {
            return;
        }

        var results = new List<ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true))
        {
            errors.AddRange(results.Select(r => $"{path}: {r.ErrorMessage}"));
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            Collect(property.GetValue(value), $"{path}.{property.Name}", errors);
        }
    }

    private static string FindRoot() => RepositoryPaths.Root;
}
