using System.Text.Json;
using Spool.Api;
using Spool.Api.Core;
using Spool.Kube;

namespace Spool.Agent.Host.Reclaim;

/// <summary>The I/O around <see cref="MediumReuseDecider"/>: reads a drive's catalog ConfigMap and patches the <c>mediumReuse</c> key.</summary>
public sealed class MediumReuse(AgentContext context)
{
    public const string Key = "mediumReuse";
    public const string MediumKey = "medium";
    private const int MaxAttempts = 4;

    private string CatalogNamespace => context.Options.CatalogNamespace ?? context.Options.Namespace;

    /// <summary>Takes the drive's Reusable medium for <paramref name="record"/>; true when this writer must overwrite it from its start.</summary>
    public async Task<bool> TryTakeAsync(string drive, MediumReuseRecord record, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var map = await FindAsync(drive, cancellationToken).ConfigureAwait(false);
            if (map is null || !MediumReuseDecider.ShouldOverwrite(true, true, map.Data?.GetValueOrDefault(MediumKey), map.Data?.GetValueOrDefault(Key)))
            {
                return false;
            }

            try
            {
                await PatchAsync(map, KubeJson.Serialize(record), cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (KubernetesConflictException)
            {
                // The catalog changed (the operator recorded something, or another writer took the medium): decide again.
            }
        }

        return false;
    }

    /// <summary>Removes a record the medium no longer needs (it is not Reusable any more); a conflict leaves it for the next pass.</summary>
    public async Task<bool> RemoveIfDoneAsync(ConfigMap map, CancellationToken cancellationToken)
    {
        if (!MediumReuseDecider.ShouldRemoveRecord(map.Data?.GetValueOrDefault(MediumKey), map.Data?.GetValueOrDefault(Key)))
        {
            return false;
        }

        try
        {
            await PatchAsync(map, null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KubernetesConflictException)
        {
            return false;
        }
    }

    private async Task<ConfigMap?> FindAsync(string drive, CancellationToken cancellationToken)
    {
        var maps = await context.Client.ListAllAsync<ConfigMap>(CatalogNamespace, new ListOptions { LabelSelector = DriveReclaimer.CatalogLabel + "=true" }, cancellationToken).ConfigureAwait(false);
        return maps.Items.FirstOrDefault(m => m.Metadata.Name == DriveReclaimer.CatalogPrefix + drive);
    }

    private Task<ConfigMap> PatchAsync(ConfigMap map, string? value, CancellationToken cancellationToken)
    {
        var patch = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["metadata"] = new Dictionary<string, string?> { ["resourceVersion"] = map.Metadata.ResourceVersion },
            ["data"] = new Dictionary<string, string?> { [Key] = value },
        });
        return context.Client.PatchAsync<ConfigMap>(map.Metadata.Name!, CatalogNamespace, KubePatch.Merge(patch), cancellationToken: cancellationToken);
    }
}
