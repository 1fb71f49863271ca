using Spool.Api;
using Spool.Api.V1Alpha1;

namespace Spool.Agent.Tests.Host.Fakes;

/// <summary>Jobs and drives as the operator would have placed them.</summary>
public static class JobFactory
{
    public static BackupJob RunningBackup(string name, string node, long epoch, params string[] drives) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = "apps",
            Uid = "uid-" + name,
            Labels = new Dictionary<string, string> { [SpoolGroup.NodeLabel] = node },
        },
        Spec = new BackupJobSpec
        {
            Source = new BackupSource { PersistentVolumeClaim = "data" },
            Destination = new BackupDestination { Drives = drives },
            Checkpoint = new CheckpointPolicy { IntervalBytes = 1 << 20, IntervalSeconds = 1 },
        },
        Status = new BackupJobStatus
        {
            Phase = BackupPhase.Running,
            Epoch = epoch,
            Node = node,
            BackupId = Guid.NewGuid().ToString(),
            Segment = (int)epoch,
            Drives = [.. drives.Select((d, i) => new HeldDrive { Name = d, Member = i })],
        },
    };

    public static TapeDrive HeldDrive(string name, string path, BackupJob job, long epoch) => new()
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new TapeDriveSpec { Type = Spool.Api.V1Alpha1.DriveType.Directory, Path = path, BlockSizeBytes = 65536 },
        Status = new TapeDriveStatus
        {
            Phase = DrivePhase.InUse,
            Holder = new DriveHolder
            {
                Job = $"{job.Metadata.Namespace}/{job.Metadata.Name}",
                Kind = BackupJob.KindValue,
                JobUid = job.Metadata.Uid,
                Epoch = epoch,
                Node = job.Status?.Node,
            },
        },
    };
}
