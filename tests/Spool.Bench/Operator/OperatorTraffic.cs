using Spool.ApiServer;

namespace Spool.Bench.Operator;

/// <summary>The operator's requests as the API server sees them, told apart by the operator's User-Agent.</summary>
public sealed class OperatorTraffic
{
    private const string OperatorAgent = "spool-operator/";
    private long requests;
    private long jobStatusWrites;

    public long Requests => Interlocked.Read(ref requests);

    /// <summary>Writes to a BackupJob's status subresource.</summary>
    public long JobStatusWrites => Interlocked.Read(ref jobStatusWrites);

    public void Observe(ApiRequestRecord request)
    {
        if (!request.UserAgent.StartsWith(OperatorAgent, StringComparison.Ordinal))
        {
            return;
        }

        Interlocked.Increment(ref requests);
        if (request.Method is "PUT" or "PATCH" && IsBackupJobStatus(request.Path))
        {
            Interlocked.Increment(ref jobStatusWrites);
        }
    }

    // /apis/spool.dev/v1alpha1/namespaces/{ns}/backupjobs/{name}/status
    private static bool IsBackupJobStatus(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments is ["apis", "spool.dev", _, "namespaces", _, "backupjobs", _, "status"];
    }
}
