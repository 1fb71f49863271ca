namespace Spool.DevCluster.Processes;

/// <summary>How to start one supervised process.</summary>
public sealed record ProcessSpec(
    string Name,
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string LogPath,
    string WorkingDirectory);
