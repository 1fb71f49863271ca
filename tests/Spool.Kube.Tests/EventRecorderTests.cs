using Spool.Api;
using Spool.Api.Core;
using Spool.Kube.Events;
using Spool.Testing;

namespace Spool.Kube.Tests;

public sealed class EventRecorderTests
{
    [Test]
    public async Task Records_an_event_about_the_object()
    {
        var api = new InMemoryKubernetesClient();
        var time = new ManualTimeProvider();
        var recorder = new EventRecorder(api, "spool-operator", "pod-1", timeProvider: time);
        var pod = new Pod { Metadata = new ObjectMeta { Name = "p", Namespace = "ns", Uid = "u-1", ResourceVersion = "5" } };

        await recorder.WarningAsync(pod, "DriveFailed", "Drive td-0 reported a medium error");

        var recorded = (await api.ListAsync<CoreEvent>("ns")).Items.Should().ContainSingle().Subject;
        recorded.Type.Should().Be("Warning");
        recorded.Reason.Should().Be("DriveFailed");
        recorded.Message.Should().Be("Drive td-0 reported a medium error");
        recorded.InvolvedObject.Should().BeEquivalentTo(new ObjectReference { ApiVersion = "v1", Kind = "Pod", Namespace = "ns", Name = "p", Uid = "u-1", ResourceVersion = "5" });
        recorded.Count.Should().Be(1);
        recorded.ReportingComponent.Should().Be("spool-operator");
        recorded.ReportingInstance.Should().Be("pod-1");
        recorded.Source!.Component.Should().Be("spool-operator");
        recorded.FirstTimestamp.Should().Be(time.GetUtcNow());
        recorded.Metadata.Name.Should().StartWith("p.");
    }

    [Test]
    public async Task Repeats_within_the_window_bump_the_count_and_later_ones_start_afresh()
    {
        var api = new InMemoryKubernetesClient();
        var time = new ManualTimeProvider();
        var recorder = new EventRecorder(api, "spool", timeProvider: time, aggregationWindow: TimeSpan.FromMinutes(10));
        var node = new Node { Metadata = new ObjectMeta { Name = "n1", Uid = "n-uid" } };

        await recorder.NormalAsync(node, "Claimed", "Drive claimed");
        time.Advance(TimeSpan.FromMinutes(1));
        await recorder.NormalAsync(node, "Claimed", "Drive claimed");
        time.Advance(TimeSpan.FromMinutes(1));
        await recorder.NormalAsync(node, "Claimed", "Drive claimed");
        await recorder.NormalAsync(node, "Released", "Drive released");

        var events = (await api.ListAsync<CoreEvent>()).Items;
        events.Should().HaveCount(2);
        var claimed = events.Single(e => e.Reason == "Claimed");
        claimed.Count.Should().Be(3);
        claimed.Metadata.Namespace.Should().Be("default", "events about cluster-scoped objects go to default");
        claimed.LastTimestamp.Should().Be(time.GetUtcNow());
        claimed.FirstTimestamp.Should().Be(time.GetUtcNow() - TimeSpan.FromMinutes(2));

        time.Advance(TimeSpan.FromMinutes(11));
        await recorder.NormalAsync(node, "Claimed", "Drive claimed");
        (await api.ListAsync<CoreEvent>()).Items.Count(e => e.Reason == "Claimed").Should().Be(2);
    }

    [Test]
    public async Task Never_throws_into_the_caller()
    {
        var api = new InMemoryKubernetesClient { Failure = new HttpRequestException(HttpRequestError.ConnectionError, "down") };
        var recorder = new EventRecorder(api, "spool");

        await FluentActions.Awaiting(() => recorder.NormalAsync(new Pod { Metadata = new ObjectMeta { Name = "p", Namespace = "ns" } }, "R", "m"))
            .Should().NotThrowAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await FluentActions.Awaiting(() => recorder.NormalAsync(new Pod { Metadata = new ObjectMeta { Name = "p", Namespace = "ns" } }, "R", "m", cancelled.Token))
            .Should().NotThrowAsync();
        recorder.Failures.Should().Be(2);
    }
}
