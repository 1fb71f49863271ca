using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Operator.Catalog;
using Spool.Operator.Decisions;
using DriveType = Spool.Api.V1Alpha1.DriveType;

namespace Spool.Operator.Tests.Catalog;

/// <summary>Catalog ConfigMaps, schedules and jobs in memory; applies the catalog decider's actions as the shell does.</summary>
public sealed class CatalogWorld
{
    public const string OperatorNamespace = "spool-system";

    private int _resourceVersion = 10;

    public DateTimeOffset Now { get; set; } = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    public Dictionary<string, ConfigMap> ConfigMaps { get; } = new(StringComparer.Ordinal);

    public List<BackupJob> Jobs { get; } = [];

    public List<BackupSchedule> Schedules { get; } = [];

    public List<TapeDrive> Drives { get; } = [];

    public List<RecordEvent> Events { get; } = [];

    public HashSet<string> Pinned { get; } = [];

    public int Writes { get; private set; }

    public TimeSpan? LastRequeue { get; private set; }

    public IReadOnlyList<DriveCatalog> Catalogs =>
        ConfigMaps.Values.Select(c => CatalogConfigMaps.Read(c.Metadata.Labels![BackupScheduleLabels.Drive], c)).ToList();

    public IReadOnlyList<CatalogEntry> Entries => CatalogQuery.Merge(Catalogs);

    public void AddDrive(string name, DriveType type) =>
        Drives.Add(new TapeDrive { Metadata = new ObjectMeta { Name = name, Uid = "uid-" + name }, Spec = new TapeDriveSpec { Type = type, Path = "/drives/" + name } });

    public void AddSchedule(string name, RetentionPolicy? retention) =>
        Schedules.Add(new BackupSchedule
        {
            Metadata = new ObjectMeta { Name = name, Namespace = "shop", Uid = "uid-" + name },
            Spec = new BackupScheduleSpec { Schedule = "@daily", Retention = retention },
        });

    /// <summary>A succeeded job of the schedule, completed <paramref name="hoursAgo"/> before now.</summary>
    public BackupJob Succeed(string name, string? parent, double hoursAgo, string schedule = "nightly", params string[] drives)
    {
        var job = new BackupJob
        {
            Metadata = new ObjectMeta { Name = name, Namespace = "shop", Labels = new Dictionary<string, string> { [BackupScheduleLabels.Schedule] = schedule } },
            Spec = new BackupJobSpec { Source = new BackupSource { PersistentVolumeClaim = "data" }, Mode = parent is null ? BackupMode.Full : BackupMode.Incremental },
            Status = new BackupJobStatus
            {
                Phase = BackupPhase.Succeeded,
                BackupId = "id-" + name,
                CompletionTime = Now - TimeSpan.FromHours(hoursAgo),
                Catalog = new CatalogLocation { BackupId = "id-" + name, Drives = drives.Length == 0 ? ["td-0"] : drives, Bytes = 1000, Files = 3, Parent = parent is null ? null : "id-" + parent, Verified = true },
            },
        };
        Jobs.Add(job);
        return job;
    }

    public IReadOnlyList<OperatorAction> Reconcile()
    {
        var actions = CatalogDecider.Decide(new CatalogObservation
        {
            Jobs = Jobs.ToList(),
            Schedules = Schedules.ToList(),
            Drives = Drives.ToList(),
            Catalogs = Catalogs,
            Pinned = Pinned,
            Now = Now,
        });
        LastRequeue = null;
        foreach (var action in actions)
        {
            switch (action)
            {
                case WriteCatalog write:
                    var name = CatalogNames.ConfigMapFor(write.Catalog.Drive);
                    ConfigMaps.TryGetValue(name, out var existing);
                    existing?.Metadata.ResourceVersion.Should().Be(write.Catalog.ResourceVersion, "writes carry the resourceVersion they read");
                    var map = CatalogConfigMaps.Write(write.Catalog, OperatorNamespace, existing);
                    ConfigMaps[name] = map with { Metadata = map.Metadata with { ResourceVersion = (++_resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture) } };
                    Writes++;
                    break;
                case PatchRetentionStatus patch:
                    var index = Schedules.FindIndex(s => s.Metadata.Name == patch.Name);
                    Schedules[index] = Schedules[index] with { Status = (Schedules[index].Status ?? new BackupScheduleStatus()) with { Retention = patch.Retention } };
                    break;
                case RecordEvent e:
                    Events.Add(e);
                    break;
                case RequeueAfter r:
                    LastRequeue = r.Delay;
                    break;
                default:
                    throw new InvalidOperationException($"unexpected action {action}");
            }
        }

        return actions;
    }

    /// <summary>An agent writing one of its own keys of a drive's catalog (e.g. mediumReuse when it takes a Reusable tape).</summary>
    public void AgentWrites(string drive, string key, string value)
    {
        var name = CatalogNames.ConfigMapFor(drive);
        var map = ConfigMaps[name];
        var data = new Dictionary<string, string>(map.Data!) { [key] = value };
        ConfigMaps[name] = map with { Data = data, Metadata = map.Metadata with { ResourceVersion = (++_resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture) } };
    }

    /// <summary>What an agent does after deleting a backup's tape files: add its id to the reclaimed key.</summary>
    public void AgentReclaims(string drive, params string[] ids)
    {
        var name = CatalogNames.ConfigMapFor(drive);
        var map = ConfigMaps[name];
        var data = new Dictionary<string, string>(map.Data!);
        var reclaimed = data.TryGetValue(CatalogNames.ReclaimedKey, out var text) ? KubeJson.Deserialize<List<string>>(text)! : [];
        reclaimed.AddRange(ids);
        data[CatalogNames.ReclaimedKey] = KubeJson.Serialize(reclaimed);
        ConfigMaps[name] = map with { Data = data, Metadata = map.Metadata with { ResourceVersion = (++_resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture) } };
    }
}
