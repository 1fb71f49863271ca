using FsCheck;
using FsCheck.Fluent;
using Spool.Api.V1Alpha1;
using Spool.Operator.Retention;

namespace Spool.Operator.Tests.Retention;

public sealed class RetentionDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void Keep_last_keeps_the_newest_n_per_source()
    {
        var entries = Fulls("a", 5).Concat(Fulls("b", 2)).ToList();
        var verdicts = Decide(entries, new RetentionPolicy { KeepLast = 2 });
        Expired(verdicts).Should().BeEquivalentTo("a-0", "a-1", "a-2");
    }

    [Test]
    public void Max_age_keeps_the_young_and_always_the_newest()
    {
        var entries = Fulls("a", 5).ToList(); // days 0..4 back from Now-1d: a-4 is the newest, one day old
        Expired(Decide(entries, new RetentionPolicy { MaxAgeSeconds = (long)TimeSpan.FromDays(2.5).TotalSeconds })).Should().BeEquivalentTo("a-0", "a-1", "a-2");
        var verdicts = Decide(entries, new RetentionPolicy { MaxAgeSeconds = 60 });
        Expired(verdicts).Should().BeEquivalentTo("a-0", "a-1", "a-2", "a-3");
        verdicts.Single(v => v.BackupId == "a-4").Reason.Should().Be(RetentionReason.Newest);
    }

    [Test]
    public void Either_rule_keeps_a_backup()
    {
        var entries = Fulls("a", 6).ToList();
        var verdicts = Decide(entries, new RetentionPolicy { KeepLast = 2, MaxAgeSeconds = (long)TimeSpan.FromDays(3.5).TotalSeconds });
        Expired(verdicts).Should().BeEquivalentTo("a-0", "a-1", "a-2");
    }

    [Test]
    public void Without_a_policy_everything_is_kept()
    {
        Expired(Decide(Fulls("a", 4).ToList(), null)).Should().BeEmpty();
        var unscheduled = Fulls("a", 4).Select(e => e with { Schedule = null }).ToList();
        Expired(Decide(unscheduled, new RetentionPolicy { KeepLast = 1 })).Should().BeEmpty();
    }

    [Test]
    public void A_kept_incremental_keeps_its_whole_chain()
    {
        // F1 <- I1 <- I2, F2 <- I3 (oldest first).
        var entries = new List<CatalogEntry>
        {
            Entry("F1", 5), Entry("I1", 4, "F1"), Entry("I2", 3, "I1"), Entry("F2", 2), Entry("I3", 1, "F2"),
        };
        Expired(Decide(entries, new RetentionPolicy { KeepLast = 1 })).Should().BeEquivalentTo("F1", "I1", "I2");
        Expired(Decide(entries, new RetentionPolicy { KeepLast = 2 })).Should().BeEquivalentTo("F1", "I1", "I2");
        var three = Decide(entries, new RetentionPolicy { KeepLast = 3 });
        Expired(three).Should().BeEmpty();
        three.Where(v => v.Reason == RetentionReason.Chain).Select(v => v.BackupId).Should().BeEquivalentTo("F1", "I1");
    }

    [Test]
    public void Incomplete_backups_expire_and_pinned_ones_stay()
    {
        var entries = new List<CatalogEntry> { Entry("F1", 3), Entry("X", 2) with { State = CatalogEntryState.Incomplete }, Entry("F2", 1), Entry("F3", 0.5) };
        var verdicts = RetentionDecider.Decide(new RetentionInput
        {
            Entries = entries,
            Policies = Policies(new RetentionPolicy { KeepLast = 1 }),
            Pinned = new HashSet<string> { "F1" },
            Now = Now,
        });
        Expired(verdicts).Should().BeEquivalentTo("X", "F2");
        verdicts.Single(v => v.BackupId == "F1").Reason.Should().Be(RetentionReason.Pinned);
    }

    [Test]
    public void Next_age_out_is_when_the_oldest_ttl_kept_backup_expires()
    {
        var entries = Fulls("a", 3).ToList();
        var input = new RetentionInput { Entries = entries, Policies = Policies(new RetentionPolicy { MaxAgeSeconds = (long)TimeSpan.FromDays(10).TotalSeconds }), Now = Now };
        var verdicts = RetentionDecider.Decide(input);
        RetentionDecider.NextAgeOut(input, verdicts).Should().Be(entries[0].Time + TimeSpan.FromDays(10));
    }

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Chains_are_never_broken_and_only_what_no_rule_keeps_expires() =>
        Prop.ForAll(Histories(), h =>
        {
            var verdicts = RetentionDecider.Decide(new RetentionInput { Entries = h.Entries, Policies = Policies(h.Policy), Now = Now });
            var kept = verdicts.Where(v => v.Keep).Select(v => v.BackupId).ToHashSet();
            var byId = h.Entries.ToDictionary(e => e.BackupId);

            // Every ancestor of a kept backup is kept.
            foreach (var id in kept)
            {
                for (var p = byId[id].Parent; p is not null; p = byId[p].Parent)
                {
                    if (!kept.Contains(p))
                    {
                        return false;
                    }
                }
            }

            // Every backup the policy keeps is kept, and the newest always.
            var ordered = h.Entries.OrderByDescending(e => e.Time).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var byRule = (h.Policy.KeepLast is { } k && i < k) || (h.Policy.MaxAgeSeconds is { } m && Now - ordered[i].Time < TimeSpan.FromSeconds(m)) || i == 0;
                if (byRule && !kept.Contains(ordered[i].BackupId))
                {
                    return false;
                }
            }

            // Nothing is kept without a reason: an expired-by-rule backup is kept only as an ancestor of a kept one.
            foreach (var v in verdicts.Where(v => v.Keep && v.Reason == RetentionReason.Chain))
            {
                var isAncestor = kept.Any(k => Ancestors(byId, k).Contains(v.BackupId));
                if (!isAncestor)
                {
                    return false;
                }
            }

            return verdicts.Count == h.Entries.Count;
        });

    private static Arbitrary<History> Histories() =>
        (from count in Gen.Choose(1, 25)
         from kinds in Gen.ArrayOf(Gen.Choose(0, 3), count)
         from keepLast in Gen.Choose(0, 6)
         from maxAgeHours in Gen.Choose(0, 30)
         select Build(kinds, keepLast == 0 ? null : keepLast, maxAgeHours == 0 ? null : maxAgeHours * 3600L))
        .ToArbitrary();

    private static History Build(int[] kinds, int? keepLast, long? maxAge)
    {
        // kinds[i] == 0 makes a full; otherwise an incremental against the previous backup (a full first).
        var entries = new List<CatalogEntry>();
        for (var i = 0; i < kinds.Length; i++)
        {
            var hoursAgo = (kinds.Length - i) * 2.0;
            entries.Add(i == 0 || kinds[i] == 0 ? Entry($"b{i}", hoursAgo / 24) : Entry($"b{i}", hoursAgo / 24, $"b{i - 1}"));
        }

        return new History(entries, new RetentionPolicy { KeepLast = keepLast, MaxAgeSeconds = maxAge });
    }

    private static HashSet<string> Ancestors(Dictionary<string, CatalogEntry> byId, string id)
    {
        var result = new HashSet<string>();
        for (var p = byId[id].Parent; p is not null; p = byId[p].Parent)
        {
            result.Add(p);
        }

        return result;
    }

    private static IReadOnlyList<RetentionVerdict> Decide(List<CatalogEntry> entries, RetentionPolicy? policy) =>
        RetentionDecider.Decide(new RetentionInput { Entries = entries, Policies = policy is null ? new Dictionary<string, RetentionPolicy>() : Policies(policy), Now = Now });

    private static Dictionary<string, RetentionPolicy> Policies(RetentionPolicy policy) => new() { ["shop/nightly"] = policy };

    private static List<string> Expired(IReadOnlyList<RetentionVerdict> verdicts) => verdicts.Where(v => !v.Keep).Select(v => v.BackupId).ToList();

    private static IEnumerable<CatalogEntry> Fulls(string claim, int count) =>
        Enumerable.Range(0, count).Select(i => Entry($"{claim}-{i}", count - i) with { PersistentVolumeClaim = claim });

    private static CatalogEntry Entry(string id, double daysAgo, string? parent = null) => new()
    {
        BackupId = id,
        Namespace = "shop",
        PersistentVolumeClaim = "data",
        Time = Now - TimeSpan.FromDays(daysAgo),
        Mode = parent is null ? BackupMode.Full : BackupMode.Incremental,
        Parent = parent,
        Drives = ["td-0"],
        Schedule = "nightly",
    };

    public sealed record History(List<CatalogEntry> Entries, RetentionPolicy Policy)
    {
        public override string ToString() =>
            $"keepLast={Policy.KeepLast} maxAge={Policy.MaxAgeSeconds} " + string.Join(" ", Entries.Select(e => e.Parent is null ? $"[{e.BackupId}]" : $"{e.BackupId}<-{e.Parent}"));
    }
}
