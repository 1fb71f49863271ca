namespace Spool.Operator.Decisions;

/// <summary>Clears the holder if it is still <paramref name="Job"/>; adds the bytes the job wrote, and clears the operation log when the job completed it.</summary>
public sealed record ReleaseDrive(string Drive, JobRef Job, long BytesWritten, bool OperationCompleted, string? ExpectedResourceVersion) : OperatorAction;
