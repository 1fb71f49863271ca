using Spool.Agent.Host.Jobs;
using Spool.Api.V1Alpha1;
using Spool.DataPath.Drives;
using ApiDriveType = Spool.Api.V1Alpha1.DriveType;
using PathDriveType = Spool.DataPath.Drives.DriveType;

using TapeDrive = Spool.Api.V1Alpha1.TapeDrive;

namespace Spool.Agent.Host.Streaming;

/// <summary>TapeDrive objects to the data path's <see cref="DriveSpec"/>, with node paths mapped for this agent.</summary>
public static class DriveMapper
{
    public static DriveSpec ToSpec(TapeDrive drive, AgentOptions options, int? blockSize)
    {
        var type = drive.Spec.Type == ApiDriveType.Tape ? PathDriveType.Tape : PathDriveType.Directory;
        return new DriveSpec(type, options.MapDrivePath(drive.Spec.Path), blockSize ?? drive.Spec.BlockSizeBytes, drive.Spec.CapacityBytes);
    }

    /// <summary>A directory drive whose directory is missing is the drive's fault, not the job's.</summary>
    /// <exception cref="AgentFailureException">DriveFailed naming the drive.</exception>
    public static void EnsureReachable(string name, DriveSpec spec)
    {
        var present = spec.Type == PathDriveType.Directory ? Directory.Exists(spec.Path) : File.Exists(spec.Path);
        if (!present)
        {
            throw new AgentFailureException(ReportReasons.DriveFailed, $"drive {name}: {spec.Path} does not exist on this node", [name]);
        }
    }
}
