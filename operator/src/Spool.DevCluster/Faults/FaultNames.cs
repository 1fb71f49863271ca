using System.Text;

namespace Spool.DevCluster.Faults;

/// <summary>kebab-case CLI names of <see cref="FaultKind"/>, and whether a fault needs a node or a drive.</summary>
public static class FaultNames
{
    public static string Name(FaultKind kind)
    {
        var text = kind == FaultKind.RestartApiServer ? "RestartApiserver" : kind.ToString();
        var name = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsUpper(c) && name.Length > 0)
            {
                name.Append('-');
            }

            name.Append(char.ToLowerInvariant(c));
        }

        return name.ToString();
    }

    public static FaultKind Parse(string name) =>
        Enum.GetValues<FaultKind>().FirstOrDefault(k => Name(k) == name, (FaultKind)(-1)) is var kind && Enum.IsDefined(kind)
            ? kind
            : throw new ArgumentException($"unknown fault '{name}'; one of: {string.Join(", ", Enum.GetValues<FaultKind>().Select(Name))}");

    public static bool TargetsNode(FaultKind kind) =>
        kind is FaultKind.KillNode or FaultKind.PauseNode or FaultKind.ResumeNode or FaultKind.StartNode or FaultKind.KillAgent or FaultKind.DrainNode or FaultKind.UncordonNode;

    public static bool TargetsDrive(FaultKind kind) =>
        kind is FaultKind.DriveOffline or FaultKind.DriveOnline or FaultKind.DriveFail or FaultKind.DriveRepair;
}
