namespace Spool.DevCluster;

/// <summary>Finds the repository and the built operator and agent next to the running assembly.</summary>
public sealed record RepositoryLayout(string Root, string Configuration)
{
    public string OperatorDll => Path.Combine(Root, "operator", "src", "Spool.Operator", "bin", Configuration, "net10.0", "spool-operator.dll");

    public string AgentDll => Path.Combine(Root, "agent", "src", "Spool.Agent", "bin", Configuration, "net10.0", "spool-agent.dll");

    public string CrdDirectory => Path.Combine(Root, "crds");

    public string ExamplesDirectory => Path.Combine(Root, "examples");

    public string KubectlPath => Path.Combine(Root, ".tools", "bin", "kubectl");

    /// <summary>
    /// Walks up from this assembly to the directory holding Operator.sln. The configuration is the one this assembly
    /// was built in (bin/&lt;Config&gt;/net10.0), so that tests run the binaries of their own build.
    /// </summary>
    public static RepositoryLayout Locate(string? configuration = null)
    {
        var baseDirectory = AppContext.BaseDirectory;
        var dir = new DirectoryInfo(baseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException($"Cannot find the repository (Operator.sln) above {baseDirectory}");
        }

        configuration ??= System.Environment.GetEnvironmentVariable("SPOOL_CONFIGURATION") ?? BuildConfiguration(baseDirectory) ?? "Release";
        return new RepositoryLayout(dir.FullName, configuration);
    }

    private static string? BuildConfiguration(string baseDirectory)
    {
        // .../bin/<Config>/net10.0/
        var framework = new DirectoryInfo(baseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var config = framework.Parent;
        return config?.Parent?.Name == "bin" ? config.Name : null;
    }

    public void EnsureBuilt()
    {
        foreach (var dll in new[] { OperatorDll, AgentDll })
        {
            if (!File.Exists(dll))
            {
                throw new FileNotFoundException($"{dll} is missing; build the solution first (make build, or dotnet build Operator.sln -c {Configuration})", dll);
            }
        }
    }
}
