using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.DevCluster;
using Spool.DevCluster.Scenario;
using Spool.DevCluster.Workloads;
using Spool.Kube;

namespace Spool.EndToEnd.Tests;

/// <summary>
/// A federated restore on the embedded cluster with real operator and agent processes: three workloads are backed up
/// by a federated BackupJob, their data is wiped and one of them is stopped; a RestoreJob naming the run puts every
/// workload back, one at a time, the running ones on the nodes where they run and the stopped one on the named node
/// through a mounter pod, byte-identical.
/// </summary>
[TestFixture]
[Category("EndToEnd")]
[NonParallelizable]
public sealed class FederatedRestoreScenarioTests : ClusterScenario
{
    private const long Bytes = 4L << 20;

    [Test]
    [CancelAfter(300_000)]
    public async Task A_federated_restore_puts_each_workload_back_where_it_runs_one_at_a_time_and_a_stopped_one_on_the_named_node()
    {
        var nodes = Cluster.NodeNames;
        var workloads = new List<(WorkloadSpec Spec, TreeManifest Source)>();
        for (var i = 0; i < 3; i++)
        {
            workloads.Add(await Story.PrepareWorkloadAsync(new WorkloadSpec("fed" + i, Namespace, "1Gi", nodes[i % nodes.Count]), Bytes, seed: 40 + i, Token));
        }

        var run = JobTemplates.Backup(Cluster.Repository, Namespace, "fleet", workloads[0].Spec.ClaimName, EndToEndSettings.CheckpointBytes, EndToEndSettings.CheckpointSeconds, CompressionMode.None);
        run = run with
        {
            Spec = run.Spec with
            {
                Source = new BackupSource
                {
                    Selector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = WorkloadController.AppLabel, Operator = "In", Values = workloads.Select(w => w.Spec.Name).ToList() }] },
                },
            },
        };
        await using (var history = await Story.StartBackupAsync(run, Token))
        {
            var done = await history.WaitForAsync(BackupStory.IsDone, EndToEndSettings.BackupTimeout * 2, "the federated run to finish", Token);
            done.Phase.Should().Be(BackupPhase.Succeeded);
        }

        // The last workload stops; every volume loses its data.
        var stopped = workloads[2].Spec;
        Cluster.WorkloadController.Unregister(stopped);
        await Cluster.Client.DeleteAsync<Pod>(stopped.PodName, Namespace, new DeleteOptions { GracePeriodSeconds = 0 }, Token);
        await Wait.UntilAsync(async ct => await Cluster.Client.GetAsync<Pod>(stopped.PodName, Namespace, ct) is null, TimeSpan.FromSeconds(30), "the stopped workload's pod to be gone", Time, Token);
        foreach (var (spec, _) in workloads)
        {
            Wipe(Cluster.WorkloadDataPath(spec));
        }

        var runningOn = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (spec, _) in workloads.Take(2))
        {
            runningOn[spec.ClaimName] = (await WorkloadPodAsync(spec)).Spec.NodeName!;
        }

        var fallback = nodes.First(n => n != runningOn[workloads[0].Spec.ClaimName]);
        await Cluster.Client.CreateAsync(new RestoreJob
        {
            Metadata = new ObjectMeta { Name = "fleet-restore", Namespace = Namespace },
            Spec = new RestoreJobSpec
            {
                Source = new RestoreSource { BackupJob = "fleet" },
                Placement = new RestorePlacement { NodeName = fallback },
                ConflictPolicy = ConflictPolicy.Overwrite,
            },
        }, Token);

        // Watch the children: never more than one unfinished at a time.
        var mostAtOnce = 0;
        RestoreJob? parent = null;
        await Wait.UntilAsync(async ct =>
        {
            var children = (await Cluster.Client.ListAsync<RestoreJob>(Namespace, new ListOptions { LabelSelector = $"{SpoolGroup.ParentLabel}=fleet-restore" }, ct)).Items;
            mostAtOnce = Math.Max(mostAtOnce, children.Count(c => c.Status?.Phase is not (RestorePhase.Succeeded or RestorePhase.Failed or RestorePhase.PartiallySucceeded)));
            parent = await Cluster.Client.GetAsync<RestoreJob>("fleet-restore", Namespace, ct);
            if (parent?.Status?.Phase is RestorePhase.Failed or RestorePhase.PartiallySucceeded)
            {
                throw new InvalidOperationException($"the federated restore ended {parent.Status.Phase}: {KubeJson.Serialize(parent.Status.Workloads)}");
            }

            return parent?.Status?.Phase == RestorePhase.Succeeded;
        }, EndToEndSettings.RestoreTimeout * 2, "the federated restore to succeed", Time, Token, TimeSpan.FromMilliseconds(200));

        mostAtOnce.Should().Be(1, "workloads are restored one at a time");
        var status = parent!.Status!;
        status.Workloads!.Select(w => w.PersistentVolumeClaim).Should().BeEquivalentTo(workloads.Select(w => w.Spec.ClaimName));
        foreach (var w in status.Workloads!)
        {
            w.Phase.Should().Be(RestorePhase.Succeeded);
            w.LastBackupTime.Should().NotBeNull();
            if (runningOn.TryGetValue(w.PersistentVolumeClaim, out var node))
            {
                w.Node.Should().Be(node, "{0} is restored on the node where it runs", w.PersistentVolumeClaim);
                w.WorkloadState.Should().Be("Running");
            }
            else
            {
                w.Node.Should().Be(fallback, "the stopped workload goes to the named node");
                w.WorkloadState.Should().Be("NotRunning");
            }
        }

        foreach (var (spec, source) in workloads)
        {
            var restored = TreeManifest.Of(Cluster.WorkloadDataPath(spec));
            source.Compare(restored).Should().BeEmpty("{0} is restored byte-identical", spec.ClaimName);
        }

        TestContext.Out.WriteLine("restored: " + string.Join("; ", status.Workloads!.Select(w => $"{w.PersistentVolumeClaim} on {w.Node} ({w.WorkloadState}) by {w.Job}, {w.BytesDone} B")));
        var mounters = (await Cluster.Client.ListAsync<Pod>(Namespace, new ListOptions { LabelSelector = "spool.dev/mounter" }, Token)).Items;
        mounters.Should().BeEmpty("the mounter pod goes when its restore ends");
    }

    private static void Wipe(string directory)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo d && d.LinkTarget is null)
            {
                d.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }
}
