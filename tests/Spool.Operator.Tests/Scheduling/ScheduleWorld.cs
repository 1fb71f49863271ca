using Spool.Api;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Scheduling;
using Spool.Testing;

namespace Spool.Operator.Tests.Scheduling;

/// <summary>
/// An in-memory cluster of one schedule and its jobs under fake time: runs the decider, applies its actions as the shell
/// would (creates are idempotent by name, deletes remove), and follows the requested requeues.
/// </summary>
public sealed class ScheduleWorld
{
    private int _resourceVersion = 1;

    public ScheduleWorld(BackupScheduleSpec spec, DateTimeOffset created)
    {
        Time = new ManualTimeProvider(created);
        Schedule = new BackupSchedule
        {
            Metadata = new ObjectMeta { Name = "nightly", Namespace = "shop", Uid = "uid-nightly", Generation = 1, CreationTimestamp = created, ResourceVersion = "1" },
            Spec = spec,
        };
    }

    public ManualTimeProvider Time { get; }

    public BackupSchedule Schedule { get; private set; }

    public List<BackupJob> Jobs { get; } = [];

    public List<BackupJob> Created { get; } = [];

    public List<string> Deleted { get; } = [];

    public List<RecordEvent> Events { get; } = [];

    public HashSet<string> Cataloged { get; } = new(StringComparer.Ordinal);

    public bool HasCompleteBackup { get; set; } = true;

    public TimeSpan? LastRequeue { get; private set; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public static BackupScheduleSpec Spec(string schedule, Func<BackupScheduleSpec, BackupScheduleSpec>? change = null)
    {
        var spec = new BackupScheduleSpec
        {
            Schedule = schedule,
            JobTemplate = new BackupJobTemplate
            {
                Metadata = new JobTemplateMetadata { Labels = new Dictionary<string, string> { ["team"] = "shop" }, Annotations = new Dictionary<string, string> { ["note"] = "x" } },
                Spec = new BackupJobSpec
                {
                    Source = new BackupSource { PersistentVolumeClaim = "data" },
                    Destination = new BackupDestination { Drives = ["td-0"] },
                },
            },
        };
        return change is null ? spec : change(spec);
    }

    public BackupScheduleObservation Observe() => new()
    {
        Schedule = Schedule,
        Jobs = Jobs.ToList(),
        CatalogedBackupIds = Cataloged.ToHashSet(StringComparer.Ordinal),
        HasCompleteBackup = HasCompleteBackup,
        Now = Now,
    };

    /// <summary>One reconcile.</summary>
    public IReadOnlyList<OperatorAction> Reconcile()
    {
        var actions = BackupScheduleDecider.Decide(Observe());
        LastRequeue = null;
        foreach (var action in actions)
        {
            switch (action)
            {
                case CreateBackupJob create:
                    if (Jobs.All(j => j.Metadata.Name != create.Job.Metadata.Name))
                    {
                        var job = create.Job with { Metadata = create.Job.Metadata with { Uid = "uid-" + create.Job.Metadata.Name, CreationTimestamp = Now, ResourceVersion = Next() } };
                        Jobs.Add(job);
                        Created.Add(job);
                    }

                    break;
                case DeleteBackupJob delete:
                    Jobs.RemoveAll(j => j.Metadata.Name == delete.Name);
                    Deleted.Add(delete.Name);
                    break;
                case UpdateScheduleStatus update:
                    update.ExpectedResourceVersion.Should().Be(Schedule.Metadata.ResourceVersion);
                    Schedule = Schedule with { Status = update.Status, Metadata = Schedule.Metadata with { ResourceVersion = Next() } };
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

    /// <summary>Follows requeues (reconciling after each) until <paramref name="until"/>.</summary>
    public void RunUntil(DateTimeOffset until, Action<ScheduleWorld>? afterEach = null)
    {
        Reconcile();
        afterEach?.Invoke(this);
        while (LastRequeue is { } delay && Now + delay <= until)
        {
            Time.Advance(delay);
            Reconcile();
            afterEach?.Invoke(this);
        }

        if (Now < until)
        {
            Time.Advance(until - Now);
        }
    }

    public void Finish(string name, BackupPhase phase, string? backupId = null)
    {
        var index = Jobs.FindIndex(j => j.Metadata.Name == name);
        Jobs[index] = Jobs[index] with { Status = new BackupJobStatus { Phase = phase, BackupId = backupId ?? "b-" + name, CompletionTime = Now } };
    }

    public void FinishAllActive(BackupPhase phase = BackupPhase.Succeeded, bool catalog = true)
    {
        foreach (var job in Jobs.Where(j => !ScheduledJobs.IsFinished(j)).ToList())
        {
            Finish(job.Metadata.Name!, phase);
            if (catalog)
            {
                Cataloged.Add("b-" + job.Metadata.Name);
            }
        }
    }

    public void SetSpec(Func<BackupScheduleSpec, BackupScheduleSpec> change) =>
        Schedule = Schedule with { Spec = change(Schedule.Spec), Metadata = Schedule.Metadata with { Generation = (Schedule.Metadata.Generation ?? 1) + 1 } };

    private string Next() => (++_resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
