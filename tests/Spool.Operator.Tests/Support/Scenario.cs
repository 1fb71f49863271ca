using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;

namespace Spool.Operator.Tests.Support;

/// <summary>
/// A random but well-formed observation of one BackupJob, built from a stream of choices so that FsCheck can
/// generate and shrink it: nodes (Ready or not, fresh, expired or missing agent Leases, zones), drives (reachability
/// by name or zone, offline, Failed, free or held by this or another job at various epochs, operation logs), the
/// claim, volume, attachments and pods, other waiting jobs, per-node load (of all jobs and of the job's own run, with
/// its maxConcurrentPerNode), and the job in any phase with checkpoints
/// and reports of the current or an older epoch.
/// </summary>
public sealed class Scenario
{
    private readonly int[] _choices;
    private int _next;

    private Scenario(int[] choices)
    {
        _choices = choices.Length == 0 ? [0] : choices;
    }

    public static BackupJobObservation Build(int[] choices) => new Scenario(choices).Build();

    private int Pick(int n)
    {
        var value = _choices[_next % _choices.Length] + (_next / _choices.Length);
        _next++;
        return Math.Abs(value) % n;
    }

    private bool Chance(int percent) => Pick(100) < percent;

    private BackupJobObservation Build()
    {
        var now = Build_Now;
        var nodeCount = 1 + Pick(4);
        var nodes = new List<Node>();
        var leases = new List<Lease>();
        for (var i = 0; i < nodeCount; i++)
        {
            var name = $"n{i}";
            nodes.Add(Support.Build.Node(name, ready: Chance(85), labels: new Dictionary<string, string> { ["kubernetes.io/hostname"] = name, ["zone"] = Pick(2) == 0 ? "a" : "b" }));
            var lease = Pick(10);
            if (lease < 7)
            {
                leases.Add(Support.Build.AgentLease(name, now.AddSeconds(-1)));
            }
            else if (lease < 9)
            {
                leases.Add(Support.Build.AgentLease(name, now.AddSeconds(-30)));
            }
        }

        var width = Pick(8) switch
        {
            0 or 1 => 2,
            2 or 3 => 3,
            _ => 1,
        };
        var redundancy = width switch
        {
            2 => new RedundancySpec { Mode = RedundancyMode.Mirror, Width = 2, ReplaceFailedMember = Chance(50) },
            3 => new RedundancySpec { Mode = RedundancyMode.Parity, Width = 3, ReplaceFailedMember = Chance(50) },
            _ => null,
        };
        var jobName = "job";
        var job = Support.Build.Job(jobName, redundancy: redundancy, priority: Pick(3) - 1);
        var me = BackupJobDecider.RefOf(job);
        var driveCount = (width == 3 ? 2 : 1) + Pick(4);
        var driveNames = Enumerable.Range(0, driveCount).Select(i => $"td-{i}").ToList();

        // The job's own status.
        var phase = Pick(10) switch
        {
            0 => (BackupPhase?)null,
            1 or 2 => BackupPhase.Waiting,
            3 => BackupPhase.Succeeded,
            4 => BackupPhase.Failed,
            _ => BackupPhase.Running,
        };
        var epoch = 1L + Pick(4);
        var runningNode = $"n{Pick(nodeCount)}";
        var heldByMe = new HashSet<string>();
        if (phase == BackupPhase.Running)
        {
            foreach (var d in driveNames.OrderBy(_ => Pick(100)).Take(width))
            {
                heldByMe.Add(d);
            }
        }

        // A redundant job that lost a member earlier runs degraded: the lost drive is Failed and no longer held.
        string? lostMember = null;
        if (redundancy is not null && heldByMe.Count == width && Chance(30))
        {
            lostMember = heldByMe.Order().Last();
            heldByMe.Remove(lostMember);
        }

        var drives = new List<TapeDrive>();
        var queue = new List<QueuedJob>();
        foreach (var name in driveNames)
        {
            var reach = Pick(4);
            IReadOnlyList<string>? reachNodes = reach == 1 ? nodes.Where(_ => Chance(60)).Select(n => n.Metadata.Name!).ToList() : null;
            var selector = reach == 2 ? new LabelSelector { MatchLabels = new Dictionary<string, string> { ["zone"] = Pick(2) == 0 ? "a" : "b" } } : null;
            DriveHolder? holder = null;
            if (heldByMe.Contains(name))
            {
                var consistent = Chance(85);
                holder = Support.Build.Holder(job, consistent ? epoch : epoch - 1 + Pick(3), runningNode, heldByMe.Order().ToList().IndexOf(name));
            }
            else if (name == lostMember)
            {
                holder = null;
            }
            else
            {
                var h = Pick(10);
                if (h < 2)
                {
                    holder = Support.Build.Holder(Support.Build.Job("other-" + Pick(3)), 1 + Pick(3), $"n{Pick(nodeCount)}");
                }
                else if (h == 2 && phase is BackupPhase.Waiting or null)
                {
                    // A claim left behind by an operator that died between claim and assignment.
                    holder = Support.Build.Holder(job, epoch + 1, runningNode);
                }
            }

            var failed = name == lostMember || Chance(8);
            var pending = Pick(4) switch
            {
                0 => new PendingDriveOperation { Operation = "Append", Job = "apps/other-1", Epoch = 2, Node = "n0", BackupId = "b-1", Segment = 0 },
                1 when heldByMe.Contains(name) => new PendingDriveOperation { Operation = "Recover", Job = me.Key, Epoch = epoch, Node = runningNode, BackupId = "b-0", Segment = 1 },
                _ => null,
            };
            drives.Add(new TapeDrive
            {
                Metadata = new ObjectMeta { Name = name, Generation = 1, ResourceVersion = (10 + drives.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                Spec = new TapeDriveSpec { Path = "/tapes/" + name, Nodes = reachNodes, NodeSelector = selector, Offline = Chance(8) },
                Status = new TapeDriveStatus
                {
                    Holder = holder,
                    Phase = failed ? DrivePhase.Failed : holder is null ? DrivePhase.Available : DrivePhase.InUse,
                    ObservedGeneration = 1,
                    PendingOperation = pending,
                },
            });
        }

        for (var q = Pick(4); q > 0; q--)
        {
            var other = Support.Build.Job($"queued-{q}", priority: Pick(3) - 1) with { };
            queue.Add(new QueuedJob(BackupJobDecider.RefOf(other), Pick(3) - 1, Build_Now.AddMinutes(-Pick(20)), $"n{Pick(nodeCount)}", driveNames.Where(_ => Chance(60)).ToList(), 1));
        }

        // Where the volume lives.
        var claimExists = Chance(92);
        var bound = Chance(90);
        var pods = new List<Pod>();
        for (var p = Pick(3); p > 0; p--)
        {
            pods.Add(Support.Build.Pod($"app-{p}", $"n{Pick(nodeCount)}", phase: Chance(75) ? "Running" : "Pending"));
        }

        var attachments = new List<VolumeAttachment>();
        if (Chance(30))
        {
            attachments.Add(Support.Build.Attachment($"n{Pick(nodeCount)}"));
        }

        var pinned = Chance(25) ? $"n{Pick(nodeCount)}" : null;
        var destination = Pick(5) switch
        {
            0 => new BackupDestination { DriveSelector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["pool"] = "none" } } },
            1 => new BackupDestination { Drives = ["td-9"] },
            _ => new BackupDestination { Drives = driveNames.Where(_ => Chance(80)).DefaultIfEmpty("td-0").ToList() },
        };
        destination = destination with { Redundancy = redundancy };

        BackupJobStatus? status = null;
        if (phase is not null)
        {
            var checkpoint = Pick(6) switch
            {
                0 or 1 => Support.Build.Checkpoint(epoch, 3 + Pick(5), 1000 * (1 + Pick(9)), runningNode),
                2 => Support.Build.Checkpoint(epoch, 4, 4000, runningNode, valid: false),
                3 => Support.Build.Checkpoint(epoch - 1, 9, 9000, "n0"),
                _ => null,
            };
            var report = Pick(8) switch
            {
                0 => new AgentReport { Epoch = epoch, Node = runningNode, Outcome = "Completed", Catalog = new CatalogLocation { BackupId = "b", Drives = [.. heldByMe], Bytes = 123 } },
                1 => new AgentReport { Epoch = epoch, Node = runningNode, Outcome = "Failed", Reason = "IOError", FailedDrives = heldByMe.Take(1).ToList() },
                2 => new AgentReport { Epoch = epoch, Node = runningNode, Outcome = "Failed", Reason = "ReadError" },
                3 => new AgentReport { Epoch = epoch, Node = runningNode, Outcome = "HandedBack", Reason = "Shutdown" },
                4 => new AgentReport { Epoch = epoch - 1, Node = "n0", Outcome = "Completed" },
                _ => null,
            };
            var running = phase == BackupPhase.Running;

            // Sometimes an earlier segment of the same backup was written on another drive, by a node since left.
            var earlier = Chance(40) ? new Attempt { Epoch = epoch - 1, Node = "n0", Drives = [driveNames[Pick(driveNames.Count)]], StartTime = Build_Now.AddMinutes(-6), EndTime = Build_Now.AddMinutes(-3), Restart = "Fresh" } : null;
            var current = new Attempt { Epoch = epoch, Node = runningNode, Drives = [.. heldByMe.Order()], StartTime = Build_Now.AddMinutes(-3), Restart = earlier is null ? "Fresh" : "Checkpoint" };
            List<Attempt> attempts = earlier is null ? [current] : [earlier, current];
            status = new BackupJobStatus
            {
                Phase = phase,
                Epoch = epoch,
                Node = running ? runningNode : null,
                BackupId = BackupJobDecider.BackupIdBase(me),
                Drives = running
                    ? heldByMe.Order().Select((d, i) => new HeldDrive { Name = d, Member = i })
                        .Concat(lostMember is null ? [] : [new HeldDrive { Name = lostMember, Member = width - 1, State = "Failed", FromStripe = 0 }])
                        .ToList()
                    : null,
                DegradedStripes = lostMember is null ? null : [new DegradedRange { Member = width - 1, Drive = lostMember, FromStripe = 0 }],
                Segment = running ? Pick(3) : null,
                ResumeFrom = Chance(30) ? Support.Build.Checkpoint(epoch - 1, 2, 500, "n0", valid: Chance(80)) : null,
                Checkpoint = running ? checkpoint : null,
                Report = running ? report : null,
                Progress = running ? new JobProgress { Epoch = epoch, BytesDone = 1000 * Pick(12) } : null,
                Attempts = running ? attempts : null,
                StartTime = running ? Build_Now.AddMinutes(-3) : null,
                ObservedGeneration = 1,
            };
        }

        var labels = phase == BackupPhase.Running && Chance(80) ? new Dictionary<string, string> { [SpoolGroup.NodeLabel] = runningNode } : null;
        job = job with
        {
            Metadata = job.Metadata with
            {
                Finalizers = phase is null || Chance(20) ? null : [SpoolGroup.Finalizer],
                Labels = labels,
                DeletionTimestamp = Chance(8) ? Build_Now.AddSeconds(-5) : null,
            },
            Spec = job.Spec with { Destination = destination, MountWhenIdle = Chance(25), RestartPolicy = Chance(20) ? RestartPolicy.Fresh : RestartPolicy.Checkpoint },
            Status = status,
        };
        if (job.Metadata.DeletionTimestamp is not null && job.Metadata.Finalizers is null)
        {
            job = job with { Metadata = job.Metadata with { Finalizers = [SpoolGroup.Finalizer] } };
        }

        var running_ = nodes.ToDictionary(n => n.Metadata.Name!, _ => Pick(3));
        var runRunning = nodes.ToDictionary(n => n.Metadata.Name!, _ => Pick(3));
        job = job with { Spec = job.Spec with { MaxConcurrentPerNode = 1 + Pick(3) } };
        return new BackupJobObservation
        {
            Job = job,
            Claim = claimExists ? Support.Build.Claim("data", bound ? "pv-data" : null) : null,
            Volume = claimExists && bound ? Support.Build.Volume(pinnedTo: pinned) : null,
            Pods = pods,
            Attachments = attachments,
            RunRunningPerNode = runRunning,
            Cluster = new ClusterSnapshot
            {
                Nodes = nodes,
                AgentLeases = leases,
                Drives = drives,
                Queue = queue,
                RunningPerNode = running_,
                Now = now,
                Settings = new OperatorSettings { MaxStreamsPerNode = 2 + Pick(2) },
            },
        };
    }

    private static DateTimeOffset Build_Now => Support.Build.Epoch0;
}
