using System.Text;

namespace Spool.Kube;

/// <summary>REST paths and query strings of the Kubernetes API.</summary>
public static class KubePaths
{
    /// <summary>
    /// <c>/api/v1[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]</c> for the core group,
    /// <c>/apis/{group}/{version}/...</c> otherwise. A null namespace on a namespaced resource lists across namespaces.
    /// </summary>
    public static string Build(ResourceDescriptor resource, string? @namespace, string? name = null, string? subresource = null)
    {
        var path = new StringBuilder(resource.Group.Length == 0 ? "/api/" : $"/apis/{resource.Group}/");
        path.Append(resource.Version);
        if (resource.Namespaced && !string.IsNullOrEmpty(@namespace))
        {
            path.Append("/namespaces/").Append(Uri.EscapeDataString(@namespace));
        }

        path.Append('/').Append(resource.Plural);
        if (!string.IsNullOrEmpty(name))
        {
            path.Append('/').Append(Uri.EscapeDataString(name));
            if (!string.IsNullOrEmpty(subresource))
            {
                path.Append('/').Append(subresource);
            }
        }
        else if (!string.IsNullOrEmpty(subresource))
        {
            throw new ArgumentException("a subresource needs an object name", nameof(subresource));
        }

        return path.ToString();
    }

    public static string Query(params (string Key, string? Value)[] parameters)
    {
        var query = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            query.Append(query.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
        }

        return query.ToString();
    }

    public static string ListQuery(ListOptions? options) => options is null
        ? ""
        : Query(
            ("labelSelector", NullIfEmpty(options.LabelSelector)),
            ("fieldSelector", NullIfEmpty(options.FieldSelector)),
            ("limit", options.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("continue", NullIfEmpty(options.Continue)),
            ("resourceVersion", options.ResourceVersion));

    public static string WatchQuery(WatchOptions? options)
    {
        options ??= new WatchOptions();
        return Query(
            ("watch", "true"),
            ("labelSelector", NullIfEmpty(options.LabelSelector)),
            ("fieldSelector", NullIfEmpty(options.FieldSelector)),
            ("resourceVersion", NullIfEmpty(options.ResourceVersion)),
            ("allowWatchBookmarks", options.AllowWatchBookmarks ? "true" : null),
            ("timeoutSeconds", options.TimeoutSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
