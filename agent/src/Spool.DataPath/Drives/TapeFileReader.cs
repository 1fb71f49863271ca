using Spool.DataPath.Native;

namespace Spool.DataPath.Drives;

internal sealed class TapeFileReader(ITapeDevice device, TapeFileAddress address, int blockSize) : ITapeFileReader
{
    private long position;
    private bool atMark;
    private byte[]? scratch;

    public TapeFileAddress Address { get; } = address;

    public bool TryReadBlock(long index, Span<byte> block)
    {
        if (atMark && index >= position)
        {
            return false;
        }

        if (index > position)
        {
            device.Operation(MtOperation.Fsr, checked((int)(index - position)));
        }
        else if (index < position)
        {
            if (atMark)
            {
                // Reading the mark moved past it; step back over it first.
                device.Operation(MtOperation.Bsf, 1);
                atMark = false;
            }

            device.Operation(MtOperation.Bsr, checked((int)(position - index)));
        }

        position = index;
        var target = block.Length >= blockSize ? block[..blockSize] : (scratch ??= new byte[blockSize]);
        var n = device.Read(target);
        if (n == 0)
        {
            atMark = true;
            return false;
        }

        position++;
        if (block.Length < blockSize && n == blockSize)
        {
            target[..block.Length].CopyTo(block);
        }

        return n == blockSize;
    }

    public void Dispose()
    {
    }
}
