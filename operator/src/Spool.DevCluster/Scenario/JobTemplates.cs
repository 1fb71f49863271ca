using System.Text.Json.Nodes;
using Spool.Api;
using Spool.Api.V1Alpha1;
using Spool.ApiServer;

namespace Spool.DevCluster.Scenario;

/// <summary>
/// BackupJobs and RestoreJobs built from the files in examples/ (backupjob.yaml, backupjob-federated.yaml, restorejob.yaml), adjusted to the
/// scenario: name, claim, checkpoint interval, compression. Starting from the examples keeps them honest: if an example
/// stops being valid, the demo and the end-to-end suite fail.
/// </summary>
public static class JobTemplates
{
    public static BackupJob Backup(RepositoryLayout repository, string @namespace, string name, string claim, long intervalBytes, int intervalSeconds, CompressionMode? compression = null)
    {
        var json = Load(repository, "backupjob.yaml");
        var metadata = (JsonObject)json["metadata"]!;
        metadata["name"] = name;
        metadata["namespace"] = @namespace;
        var spec = (JsonObject)json["spec"]!;
        ((JsonObject)spec["source"]!)["persistentVolumeClaim"] = claim;
        spec["checkpoint"] = new JsonObject { ["intervalBytes"] = intervalBytes, ["intervalSeconds"] = intervalSeconds };
        if (compression is { } c)
        {
            ((JsonObject)spec["destination"]!)["compression"] = c.ToString();
        }

        return KubeJson.Deserialize<BackupJob>(json.ToJsonString()) ?? throw new InvalidOperationException("examples/backupjob.yaml is empty");
    }

    /// <summary>A federated BackupJob from examples/backupjob-federated.yaml: its selector, one stream per node, with the scenario's checkpoints.</summary>
    public static BackupJob FederatedBackup(RepositoryLayout repository, string @namespace, string name, long intervalBytes, int intervalSeconds)
    {
        var json = Load(repository, "backupjob-federated.yaml");
        var metadata = (JsonObject)json["metadata"]!;
        metadata["name"] = name;
        metadata["namespace"] = @namespace;
        var spec = (JsonObject)json["spec"]!;
        spec["checkpoint"] = new JsonObject { ["intervalBytes"] = intervalBytes, ["intervalSeconds"] = intervalSeconds };
        return KubeJson.Deserialize<BackupJob>(json.ToJsonString()) ?? throw new InvalidOperationException("examples/backupjob-federated.yaml is empty");
    }

    public static RestoreJob Restore(RepositoryLayout repository, string @namespace, string name, string backupJob, string targetClaim)
    {
        var json = Load(repository, "restorejob.yaml");
        var metadata = (JsonObject)json["metadata"]!;
        metadata["name"] = name;
        metadata["namespace"] = @namespace;
        var spec = (JsonObject)json["spec"]!;
        spec["source"] = new JsonObject { ["backupJob"] = backupJob };
        spec["target"] = new JsonObject { ["persistentVolumeClaim"] = targetClaim };
        return KubeJson.Deserialize<RestoreJob>(json.ToJsonString()) ?? throw new InvalidOperationException("examples/restorejob.yaml is empty");
    }

    private static JsonObject Load(RepositoryLayout repository, string file)
    {
        var path = Path.Combine(repository.ExamplesDirectory, file);
        return YamlJson.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidOperationException($"{path} is not a YAML object");
    }
}
