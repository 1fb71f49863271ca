namespace Spool.Agent.Host.Streaming;

/// <summary>The restore found corrupt files and was not allowed to restore the rest.</summary>
public sealed class RestoreFailedException(string message, IReadOnlyList<string> failedFiles) : Exception(message)
{
    public IReadOnlyList<string> FailedFiles { get; } = failedFiles;
}
