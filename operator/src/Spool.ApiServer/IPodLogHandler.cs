namespace Spool.ApiServer;

/// <summary>Produces container logs for <c>pods/log</c>.</summary>
public interface IPodLogHandler
{
    Task<string> GetLogAsync(PodLogRequest request, CancellationToken cancellationToken);
}
