using System.Globalization;
using System.Net.Http.Json;

namespace Spool.DevCluster.Control;

/// <summary>Talks to the control endpoint of a running <c>spool-dev up</c>.</summary>
public static class ControlClient
{
    public static async Task<ControlAnswer> SendAsync(StorageLayout layout, HttpMethod method, string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(layout.ControlFile))
        {
            return new ControlAnswer(false, $"no running cluster: {layout.ControlFile} does not exist (start one with spool-dev up --dir {layout.Root})");
        }

        var port = int.Parse((await File.ReadAllTextAsync(layout.ControlFile, cancellationToken)).Trim(), CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(1) };
        try
        {
            using var response = await http.SendAsync(new HttpRequestMessage(method, path), cancellationToken);
            return await response.Content.ReadFromJsonAsync<ControlAnswer>(cancellationToken) ?? new ControlAnswer(false, $"empty answer ({(int)response.StatusCode})");
        }
        catch (HttpRequestException ex)
        {
            return new ControlAnswer(false, $"the cluster at {layout.Root} does not answer on port {port}: {ex.Message}");
        }
    }
}
