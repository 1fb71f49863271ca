namespace Spool.Agent.Host.Streaming;

/// <summary>
/// Restore progress made durable in the target (files fsynced). A resumed restore does not need a file list: it skips
/// every file already in the target whose content hash matches the catalog.
/// </summary>
public sealed record RestoreCheckpoint(long FilesDone, long BytesDone, string? LastPath);
