using FsCheck;
using FsCheck.Fluent;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Tests.Support;

namespace Spool.Operator.Tests.Decisions;

/// <summary>
/// Two Parity 3+1 jobs on one node compete for five drives, so only one can run. Their decisions interleave at random
/// and each may be cut short after any of its writes (a conflict or an operator crash between claims). Whatever the
/// interleaving, every drive has at most one holder, a job never runs on fewer than its four members, and once each
/// job is decided again in full, exactly one of them runs with all four drives and the other holds none: partial holds
/// do not survive and the two jobs never deadlock.
/// </summary>
[TestFixture]
public sealed class ParityContentionPropertyTests
{
    private static readonly string[] DriveNames = ["td-0", "td-1", "td-2", "td-3", "td-4"];

    private static Arbitrary<int[]> Choices => Gen.ArrayOf(Gen.Choose(0, 9999)).ToArbitrary();

    private static BackupJob Job(string name) => Build.Job(name, drives: DriveNames, redundancy: new RedundancySpec { Mode = RedundancyMode.Parity, Width = 4 });

    private static BackupJobObservation Observe(BackupJob job, IReadOnlyList<TapeDrive> drives) => new()
    {
        Job = job,
        Claim = Build.Claim("data"),
        Volume = Build.Volume(),
        Pods = [Build.Pod("app-0", "n1")],
        Cluster = Build.Cluster([Build.Node("n1")], drives),
    };

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Interleaved_and_interrupted_claims_end_with_one_whole_set_and_no_partial_hold() => Prop.ForAll(Choices, choices =>
    {
        var next = 0;
        int Pick(int n) => choices.Length == 0 ? 0 : choices[next++ % choices.Length] % n;
        var jobs = new[] { Job("a"), Job("b") };
        IReadOnlyList<TapeDrive> drives = DriveNames.Select(n => Build.Drive(n)).ToList();

        void Step(int which, bool interrupt)
        {
            var observation = Observe(jobs[which], drives);
            var actions = BackupJobDecider.Decide(observation);
            var applied = interrupt ? actions.Take(Pick(actions.Count + 1)).ToList() : actions;
            var outcome = Simulation.Apply(observation, applied);
            jobs[which] = outcome.Observation.Job;
            drives = outcome.Observation.Cluster.Drives;
            foreach (var job in jobs.Where(j => j.Status?.Phase == BackupPhase.Running))
            {
                var mine = drives.Count(d => DriveArbiter.IsHeldBy(d, BackupJobDecider.RefOf(job)) && d.Status!.Holder!.Epoch == job.Status!.Epoch);
                mine.Should().Be(4, "a running parity 3+1 job holds its four members at its epoch");
            }
        }

        for (var i = 0; i < 2 + Pick(12); i++)
        {
            Step(Pick(2), interrupt: Pick(3) == 0);
        }

        // Settle: each job decided in full, a few rounds.
        for (var round = 0; round < 3; round++)
        {
            Step(0, interrupt: false);
            Step(1, interrupt: false);
        }

        var running = jobs.Where(j => j.Status?.Phase == BackupPhase.Running).ToList();
        running.Should().ContainSingle("five drives make one 3+1 set: one job runs, the other queues");
        var waiting = jobs.Single(j => j.Status?.Phase != BackupPhase.Running);
        waiting.Status!.Phase.Should().Be(BackupPhase.Waiting);
        drives.Should().NotContain(d => DriveArbiter.IsHeldBy(d, BackupJobDecider.RefOf(waiting)), "a waiting job holds no partial set");
        drives.Count(d => DriveArbiter.IsHeldBy(d, BackupJobDecider.RefOf(running[0]))).Should().Be(4);
    });
}
