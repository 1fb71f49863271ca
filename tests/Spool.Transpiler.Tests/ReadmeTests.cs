using System.Text.RegularExpressions;

namespace Spool.Transpiler.Tests;

/// <summary>What the README points at exists: make targets, example files, linked documents.</summary>
public sealed partial class ReadmeTests
{
    private static string Readme => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));

    [Test]
    public void Every_make_target_it_names_exists()
    {
        var makefile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Makefile"));
        var targets = Target().Matches(makefile).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var named = MakeCommand().Matches(Readme).Select(m => m.Groups[1].Value).Distinct().ToList();
        named.Should().Contain(["demo", "test", "dev", "bench", "chaos", "crds", "chart-lint", "publish"]);
        named.Should().OnlyContain(t => targets.Contains(t), "the README must not name make targets that do not exist");
    }

    [Test]
    public void Every_example_and_document_it_names_exists()
    {
        var examples = ExampleName().Matches(Readme).Select(m => "examples/" + m.Groups[1].Value).ToList();
        examples.Should().Contain("examples/backupjob.yaml");
        var paths = RepositoryPath().Matches(Readme).Select(m => m.Groups[1].Value).Concat(examples).Distinct().ToList();
        foreach (var path in paths)
        {
            var full = Path.Combine(RepositoryPaths.Root, path);
            (File.Exists(full) || Directory.Exists(full)).Should().BeTrue($"README names {path}");
        }
    }

    [Test]
    public void It_shows_the_helm_install_command() =>
        Readme.Should().Contain("helm install spool charts/spool -n spool-system --create-namespace");

    [GeneratedRegex(@"^([a-z][a-z-]*):", RegexOptions.Multiline)]
    private static partial Regex Target();

    [GeneratedRegex(@"`make ([a-z][a-z-]*)")]
    private static partial Regex MakeCommand();

    [GeneratedRegex(@"^\| `([a-z0-9-]+\.yaml)` \|", RegexOptions.Multiline)]
    private static partial Regex ExampleName();

    [GeneratedRegex(@"`((?:examples|docs|charts|crds|tests)/[A-Za-z0-9_./-]*[A-Za-z0-9_])`")]
    private static partial Regex RepositoryPath();
}
