namespace Spool.ApiServer;

/// <summary>A resource request parsed from the URL, like the real server's RequestInfo.</summary>
public sealed record RequestTarget(string Group, string Version, string Resource, string? Namespace, string? Name, string? Subresource, bool LegacyWatch)
{
    /// <summary>Parses /api/v1/... and /apis/{group}/{version}/... paths; null when the path is not a resource path.</summary>
    public static RequestTarget? Parse(string path)
    {
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        int index;
        string group;
        string version;
        if (parts.Length >= 3 && parts[0] == "api")
        {
            group = string.Empty;
            version = parts[1];
            index = 2;
        }
        else if (parts.Length >= 4 && parts[0] == "apis")
        {
            group = parts[1];
            version = parts[2];
            index = 3;
        }
        else
        {
            return null;
        }

        var rest = parts[index..].Select(Uri.UnescapeDataString).ToList();
        var watch = false;
        if (rest.Count > 0 && rest[0] == "watch")
        {
            watch = true;
            rest.RemoveAt(0);
        }

        if (rest.Count == 0)
        {
            return null;
        }

        string? ns = null;
        if (rest[0] == "namespaces" && rest.Count > 1)
        {
            ns = rest[1];
            if (rest.Count > 2 && rest[2] is not ("status" or "finalize"))
            {
                rest = rest[2..];
            }
            else
            {
                return new RequestTarget(group, version, "namespaces", null, rest[1], rest.Count > 2 ? rest[2] : null, watch);
            }
        }

        if (rest.Count > 3)
        {
            return null;
        }

        return new RequestTarget(group, version, rest[0], ns, rest.Count > 1 ? rest[1] : null, rest.Count > 2 ? rest[2] : null, watch);
    }
}
