using System.Reflection;

namespace Spool.Kube;

/// <summary>User-Agent values of Spool's own processes, so that the API server can tell their requests and field managers apart.</summary>
public static class UserAgents
{
    /// <summary><c>product/version</c>, the version being the assembly's informational version without its build metadata.</summary>
    public static string For(string product, Assembly assembly)
    {
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        return product + "/" + version.Split('+')[0];
    }
}
