using Spool.Api;
using Spool.Api.Core;

namespace Spool.Operator.Decisions;

/// <summary>The short-lived pod that mounts an idle claim so that an agent can read or write it.</summary>
public static class MounterPods
{
    public const string Label = "spool.dev/mounter";

    public static string NameFor(JobRef job)
    {
        var name = $"spool-mount-{job.Name}";
        return name.Length <= 63 ? name : name[..63].TrimEnd('-', '.');
    }

    public static Pod Build(JobRef job, string apiVersion, string claim, bool readOnly, string node, string image) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = NameFor(job),
            Namespace = job.Namespace,
            Labels = new Dictionary<string, string> { [Label] = job.Name, ["app.kubernetes.io/managed-by"] = "spool-operator" },
            OwnerReferences = job.Uid is null ? null :
            [
                new OwnerReference { ApiVersion = apiVersion, Kind = job.Kind, Name = job.Name, Uid = job.Uid, Controller = true, BlockOwnerDeletion = true },
            ],
        },
        Spec = new PodSpec
        {
            NodeName = node,
            RestartPolicy = "Never",
            Containers =
            [
                new Container
                {
                    Name = "mount",
                    Image = image,
                    VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/data", ReadOnly = readOnly }],
                },
            ],
            Volumes = [new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = claim, ReadOnly = readOnly } }],
        },
    };

    public static Pod? Find(IReadOnlyList<Pod> pods, JobRef job) =>
        pods.FirstOrDefault(p => p.Metadata.Name == NameFor(job) && p.Metadata.Labels?.TryGetValue(Label, out var owner) == true && owner == job.Name);
}
