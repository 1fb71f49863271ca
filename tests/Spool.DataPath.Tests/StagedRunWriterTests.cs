using Spool.DataPath.Drives;

namespace Spool.DataPath.Tests;

/// <summary>
/// The run writer sits between a backup and its device: runs reach the device in the order they were submitted, however
/// slow it is; a failed run stops every later one (a tape file never gets a hole) and the caller hears of it.
/// </summary>
public sealed class StagedRunWriterTests
{
    [Test]
    public void RunsReachTheDeviceInSubmissionOrderWhenTheDeviceIsSlow()
    {
        // The device holds the first run until every staging buffer is queued, so later runs wait for free buffers.
        using var device = new ManualResetEventSlim();
        var written = new List<(long At, byte First, int Length)>();
        using var runs = new StagedRunWriter(4096, 3, (data, at) =>
        {
            device.Wait();
            lock (written)
            {
                written.Add((at, data[0], data.Length));
            }
        });

        for (var i = 0; i < 20; i++)
        {
            if (i == 3)
            {
                device.Set();
            }

            var slot = runs.Rent();
            runs.Slot(slot)[0] = (byte)i;
            runs.Submit(slot, 1024 + i, i * 4096L);
        }

        runs.Drain();
        written.Should().Equal(Enumerable.Range(0, 20).Select(i => ((long)i * 4096, (byte)i, 1024 + i)));
    }

    [Test]
    public void AFailedRunStopsLaterRunsAndSurfacesInDrainAndRent()
    {
        var written = new List<long>();
        using var runs = new StagedRunWriter(4096, 2, (_, at) =>
        {
            if (at == 1)
            {
                throw new IOException("device error");
            }

            lock (written)
            {
                written.Add(at);
            }
        });

        for (var i = 0; i < 2; i++)
        {
            runs.Submit(runs.Rent(), 10, i);
        }

        // The third run is accepted before the failure is known, or refused; either way it is never written.
        try
        {
            runs.Submit(runs.Rent(), 10, 2);
        }
        catch (IOException)
        {
        }

        var drain = () => runs.Drain();
        drain.Should().Throw<IOException>().WithMessage("device error");
        var rent = () => runs.Rent();
        rent.Should().Throw<IOException>().WithMessage("device error");
        written.Should().Equal(0L);
    }

    [Test]
    public void DisposeLetsSubmittedRunsFinish()
    {
        using var device = new ManualResetEventSlim();
        var written = 0;
        var runs = new StagedRunWriter(4096, 4, (_, _) =>
        {
            device.Wait();
            Interlocked.Increment(ref written);
        });
        for (var i = 0; i < 4; i++)
        {
            runs.Submit(runs.Rent(), 100, i * 4096L);
        }

        // The runs are still queued behind the held device when the writer is disposed.
        var disposing = Task.Run(runs.Dispose);
        device.Set();
        disposing.Wait();
        written.Should().Be(4);
    }

    [Test]
    public void AReturnedSlotCanBeRentedAgainWithoutWritingAnything()
    {
        var written = 0;
        using var runs = new StagedRunWriter(4096, 1, (_, _) => Interlocked.Increment(ref written));
        runs.Return(runs.Rent());
        runs.Submit(runs.Rent(), 100, 0);
        runs.Drain();
        written.Should().Be(1);
    }

    [Test]
    public async Task ABarrierRunsAfterTheRunsBeforeItAndBeforeTheRunsAfterIt()
    {
        // The device holds its first run until the barrier and the run after it are queued.
        using var device = new ManualResetEventSlim();
        var events = new List<string>();
        using var runs = new StagedRunWriter(4096, 3, (_, at) =>
        {
            device.Wait();
            lock (events)
            {
                events.Add($"run {at}");
            }
        });

        runs.Submit(runs.Rent(), 10, 0);
        runs.Submit(runs.Rent(), 10, 1);
        var barrier = runs.Barrier(() =>
        {
            lock (events)
            {
                events.Add("fsync");
            }
        });
        runs.Submit(runs.Rent(), 10, 2);
        device.Set();
        await barrier;
        runs.Drain();
        events.Should().Equal("run 0", "run 1", "fsync", "run 2");
    }

    [Test]
    public async Task ABarrierBehindAFailedRunFailsWithoutRunning()
    {
        var ran = false;
        using var runs = new StagedRunWriter(4096, 2, (_, _) => throw new IOException("device error"));
        runs.Submit(runs.Rent(), 10, 0);
        var barrier = runs.Barrier(() => ran = true);
        var wait = async () => await barrier;
        await wait.Should().ThrowAsync<IOException>().WithMessage("device error");
        ran.Should().BeFalse();
    }
}
