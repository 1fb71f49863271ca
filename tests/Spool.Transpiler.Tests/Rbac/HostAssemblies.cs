using System.Reflection;

namespace Spool.Transpiler.Tests.Rbac;

/// <summary>The two programs the chart runs, each under its own ServiceAccount.</summary>
public static class HostAssemblies
{
    public static Assembly Operator => Load("spool-operator");

    public static Assembly Agent => Load("spool-agent");

    private static Assembly Load(string name) =>
        AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name)
        ?? Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, name + ".dll"));
}
