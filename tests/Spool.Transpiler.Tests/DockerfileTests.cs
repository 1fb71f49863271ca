using System.Text.RegularExpressions;

namespace Spool.Transpiler.Tests;

/// <summary>The Dockerfile builds with exactly the publish commands that <c>make publish</c> runs (and CI proves).</summary>
public sealed partial class DockerfileTests
{
    private static string Dockerfile => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Dockerfile"));

    [Test]
    public void Publish_commands_match_make_publish()
    {
        var makefile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Makefile"));
        var target = makefile[makefile.IndexOf("\npublish:", StringComparison.Ordinal)..];
        target = target[..target.IndexOf("\n\n", StringComparison.Ordinal)];
        var fromMake = Publishes(target.Replace("$(DOTNET)", "dotnet", StringComparison.Ordinal));
        var fromDocker = Publishes(Dockerfile);

        fromMake.Should().HaveCount(2);
        fromDocker.Should().Equal(fromMake, "the Dockerfile must run the same dotnet publish commands as make publish");
        fromMake.Should().AllSatisfy(c => c.Should().Contain("--self-contained").And.Contain("-r linux-x64"));
    }

    [Test]
    public void Two_targets_on_runtime_deps_operator_non_root_agent_root()
    {
        var stages = Stages().ToDictionary(s => s.Name, s => s);
        stages.Keys.Should().Contain(["build", "operator", "agent"]);
        stages["build"].Base.Should().StartWith("mcr.microsoft.com/dotnet/sdk:10.0");
        stages["operator"].Base.Should().Be("mcr.microsoft.com/dotnet/runtime-deps:10.0");
        stages["agent"].Base.Should().Be("mcr.microsoft.com/dotnet/runtime-deps:10.0");
        stages["operator"].Body.Should().Contain("USER 65532:65532").And.Contain("ENTRYPOINT [\"/app/spool-operator\"]");
        stages["agent"].Body.Should().Contain("USER 0:0").And.Contain("ENTRYPOINT [\"/app/spool-agent\"]");
    }

    private static List<string> Publishes(string text) =>
        PublishCommand().Matches(text.Replace("\\\n", " ", StringComparison.Ordinal))
            .Select(m => Regex.Replace(m.Value, @"\s+-o\s+\S+", "").Trim())
            .Select(c => Regex.Replace(c, @"\s+", " "))
            .ToList();

    private static IEnumerable<(string Name, string Base, string Body)> Stages()
    {
        var matches = Stage().Matches(Dockerfile);
        for (var i = 0; i < matches.Count; i++)
        {
            var end = i + 1 < matches.Count ? matches[i + 1].Index : Dockerfile.Length;
            yield return (matches[i].Groups["name"].Value, matches[i].Groups["base"].Value, Dockerfile[matches[i].Index..end]);
        }
    }

    [GeneratedRegex(@"dotnet publish [^&\n]*")]
    private static partial Regex PublishCommand();

    [GeneratedRegex(@"^FROM (?<base>\S+) AS (?<name>\S+)", RegexOptions.Multiline)]
    private static partial Regex Stage();
}
