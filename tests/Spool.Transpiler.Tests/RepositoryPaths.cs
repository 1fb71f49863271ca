namespace Spool.Transpiler.Tests;

/// <summary>Files of the checkout the tests run from.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Crds => Path.Combine(Root, "crds");

    public static string Chart => Path.Combine(Root, "charts", "spool");

    public static string ChartCrds => Path.Combine(Chart, "crds");

    public static string Examples => Path.Combine(Root, "examples");

    public static string Reference => Path.Combine(Root, "docs", "crd-reference.md");

    public static string InvalidExamples => Path.Combine(Root, "tests", "Spool.Transpiler.Tests", "Invalid");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Operator.sln above {TestContext.CurrentContext.TestDirectory}");
    }
}
