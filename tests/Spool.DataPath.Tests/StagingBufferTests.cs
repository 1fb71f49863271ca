using System.Runtime.InteropServices;
using Spool.DataPath.Drives;

namespace Spool.DataPath.Tests;

/// <summary>Direct I/O needs aligned memory; huge-page alignment must also keep every offset of a run aligned.</summary>
public sealed class StagingBufferTests
{
    [TestCase(1)]
    [TestCase(4096)]
    [TestCase(4 << 20)]
    [TestCase((4 << 20) + 1)]
    public unsafe void BufferIsHugePageAlignedAndCoversTheCapacity(int capacity)
    {
        using var buffer = new StagingBuffer(capacity);

        buffer.Length.Should().BeGreaterThanOrEqualTo(capacity);
        (buffer.Length % StagingBuffer.HugePageSize).Should().Be(0);
        fixed (byte* p = buffer.Span)
        {
            ((nint)p % StagingBuffer.HugePageSize).Should().Be(0);
        }

        // Every byte is usable memory.
        buffer.Span.Fill(0xA5);
        buffer.Span[^1].Should().Be(0xA5);
    }

    [Test]
    public void DisposedBufferRefusesAccess()
    {
        var buffer = new StagingBuffer(4096);
        buffer.Dispose();

        var access = () => buffer.Span.Length;

        access.Should().Throw<ObjectDisposedException>();
        buffer.Dispose();
    }

    [Test]
    public void PoolNeverHandsOutABufferSmallerThanAsked()
    {
        var small = StagingBuffers.Rent(4096);
        StagingBuffers.Return(small);

        var large = StagingBuffers.Rent(3 * StagingBuffer.HugePageSize);

        large.Length.Should().BeGreaterThanOrEqualTo(3 * StagingBuffer.HugePageSize);
        large.Span.Fill(1);
        StagingBuffers.Return(large);
    }

    [Test]
    public void NonPositiveCapacityIsRefused()
    {
        var create = () => new StagingBuffer(0);

        create.Should().Throw<ArgumentOutOfRangeException>();
    }
}
