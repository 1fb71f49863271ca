using System.Text.Json.Nodes;
using Spool.Testing;

namespace Spool.ApiServer.Tests;

/// <summary>
/// The repository's CRDs and examples through real kubectl against the embedded server: the examples are
/// accepted, <c>kubectl explain</c> shows the generated descriptions, and the invalid examples are rejected
/// with field-level messages.
/// </summary>
public sealed class SpoolCrdsKubectlTests
{
    private ApiServerFixture server = null!;
    private string cacheDir = null!;

    private static string Root => ClientTools.RepoRoot;

    private static string InvalidDirectory => Path.Combine(Root, "tests", "Spool.Transpiler.Tests", "Invalid");

    /// <summary>
    /// Invalid examples whose violation the schema itself catches. Those marked <c># rule: cel</c> break an
    /// x-kubernetes-validations rule, which the embedded server does not evaluate; the transpiler tests check
    /// them with their CEL evaluator instead.
    /// </summary>
    public static IEnumerable<string> StructurallyInvalid() =>
        Directory.GetFiles(InvalidDirectory, "*.yaml")
            .Where(f => !File.ReadLines(f).TakeWhile(l => l.StartsWith('#')).Contains("# rule: cel"))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        await ClientTools.EnsureInstalledAsync();
        server = await ApiServerFixture.StartAsync();
        cacheDir = Path.Combine(server.Directory, "kubectl-cache");
        var crds = await Kubectl("apply", "-f", Path.Combine(Root, "crds"));
        crds.ExitCode.Should().Be(0, crds.ToString());
        foreach (var name in new[] { "backupjobs", "restorejobs", "tapedrives" })
        {
            crds.Stdout.Should().Contain($"customresourcedefinition.apiextensions.k8s.io/{name}.spool.dev");
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await server.DisposeAsync();

    [Test]
    public async Task Crds_and_examples_apply_together_and_are_listed()
    {
        var applied = await Kubectl("apply", "-f", Path.Combine(Root, "crds"), "-f", Path.Combine(Root, "examples"));
        applied.ExitCode.Should().Be(0, applied.ToString());
        applied.Stdout.Should().Contain("backupjob.spool.dev/postgres-data")
            .And.Contain("backupjob.spool.dev/media-parity")
            .And.Contain("backupjob.spool.dev/nightly")
            .And.Contain("backupjob.spool.dev/orders-db")
            .And.Contain("backupjob.spool.dev/finance-encrypted")
            .And.Contain("restorejob.spool.dev/postgres-data-restore")
            .And.Contain("restorejob.spool.dev/postgres-data-clone")
            .And.Contain("tapedrive.spool.dev/td-0")
            .And.Contain("tapedrive.spool.dev/lto-0")
            .And.Contain("secret/spool-backup-key");

        var jobs = await Kubectl("get", "bj", "-n", "default");
        jobs.ExitCode.Should().Be(0, jobs.ToString());
        jobs.Stdout.Split('\n')[0].Should().MatchRegex(@"^NAME\s+PHASE\s+NODE\s+DRIVE\s+PROGRESS\s+SIZE\s+AGE\s*$");
        jobs.Stdout.Should().Contain("postgres-data").And.Contain("nightly");

        var drives = await Kubectl("get", "td");
        drives.Stdout.Split('\n')[0].Should().MatchRegex(@"^NAME\s+PHASE\s+HOLDER\s+AGE\s*$");
        drives.Stdout.Should().Contain("td-0").And.Contain("td-1").And.Contain("lto-0");

        var everything = await Kubectl("get", "spool", "-A");
        everything.ExitCode.Should().Be(0, everything.ToString());
        everything.Stdout.Should().Contain("postgres-data-restore").And.Contain("td-1");

        // Defaults from the schema are applied by the server.
        var job = JsonNode.Parse((await Kubectl("get", "bj", "postgres-data", "-n", "default", "-o", "json")).Stdout)!;
        job["spec"]!["maxConcurrentPerNode"]!.GetValue<long>().Should().Be(1);
        job["spec"]!["backoffLimit"]!.GetValue<long>().Should().Be(3);
    }

    [Test]
    public async Task Explain_shows_the_generated_descriptions()
    {
        var spec = await Kubectl("explain", "backupjob.spec");
        spec.ExitCode.Should().Be(0, spec.ToString());
        spec.Stdout.Should().Contain("KIND:       BackupJob")
            .And.Contain("What to back up, where to, and how.")
            .And.Contain("checkpoint")
            .And.Contain("restartPolicy");
        var interval = await Kubectl("explain", "backupjob.spec.checkpoint.intervalSeconds");
        interval.Stdout.Should().Contain("Seconds between checkpoints.");
        var drive = await Kubectl("explain", "tapedrives.spec.type");
        drive.Stdout.Should().Contain("Directory").And.Contain("Tape");
    }

    [Test]
    public void Some_invalid_examples_are_checked_here() => StructurallyInvalid().Should().HaveCountGreaterThanOrEqualTo(4);

    [TestCaseSource(nameof(StructurallyInvalid))]
    public async Task Invalid_example_is_rejected_with_a_field_message(string file)
    {
        var path = Path.Combine(InvalidDirectory, file);
        var field = File.ReadLines(path).First()["# expect: ".Length..].Trim();
        var result = await Kubectl("apply", "-f", path);
        result.ExitCode.Should().NotBe(0, $"{file} must be rejected");
        result.Stderr.Should().Contain("is invalid").And.Contain(field + ":", $"the message must name {field}: {result}");
    }

    private Task<ClientToolResult> Kubectl(params string[] args) =>
        ClientTools.KubectlAsync(server.KubeconfigPath, ["--cache-dir", cacheDir, .. args]);
}
