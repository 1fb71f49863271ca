using Spool.DataPath.Native;

namespace Spool.DataPath.Tests;

/// <summary>
/// An in-memory st device in fixed-block mode: a list of tape files, each a list of records, with the positioning
/// semantics of MTIOCTOP. Records of the wrong size are rejected like the driver does in fixed mode.
/// </summary>
public sealed class FakeTapeDevice : ITapeDevice
{
    private int blockSize;

    public List<List<byte[]>> Files { get; } = [];

    public List<(MtOperation Op, int Count)> Log { get; } = [];

    public int File { get; private set; }

    public int Record { get; private set; }

    public void Operation(MtOperation op, int count)
    {
        Log.Add((op, count));
        switch (op)
        {
            case MtOperation.SetBlk:
                blockSize = count;
                break;
            case MtOperation.Rew:
                File = 0;
                Record = 0;
                break;
            case MtOperation.Fsf:
                File += count;
                Record = 0;
                break;
            case MtOperation.Bsf:
                // Positions before the file mark, i.e. after the last record of the previous file.
                File -= count;
                Record = Files[File].Count;
                break;
            case MtOperation.Fsr:
                Record += count;
                break;
            case MtOperation.Bsr:
                Record -= count;
                break;
            case MtOperation.Eom:
                File = Files.Count;
                Record = 0;
                break;
            case MtOperation.Weof:
                if (count > 0)
                {
                    EnsureFile();
                    File += count;
                    Record = 0;
                }

                break;
            default:
                throw new IOException($"unsupported op {op}");
        }
    }

    public MtGet Status() => new() { FileNo = File, BlkNo = Record, DsReg = blockSize };

    public int Read(Span<byte> buffer)
    {
        if (File >= Files.Count || Record >= Files[File].Count)
        {
            if (File < Files.Count)
            {
                File++;
                Record = 0;
            }

            return 0;
        }

        var r = Files[File][Record++];
        if (buffer.Length < r.Length)
        {
            throw new IOException("ENOMEM: buffer smaller than the record");
        }

        r.CopyTo(buffer);
        return r.Length;
    }

    public void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length != blockSize)
        {
            throw new IOException($"EINVAL: fixed block mode expects {blockSize} bytes, got {buffer.Length}");
        }

        EnsureFile();
        var f = Files[File];

        // A write ends the tape's data: records after it in this file, and every later file, are gone.
        f.RemoveRange(Record, f.Count - Record);
        Files.RemoveRange(File + 1, Files.Count - File - 1);
        f.Add(buffer.ToArray());
        Record++;
    }

    private void EnsureFile()
    {
        while (Files.Count <= File)
        {
            Files.Add([]);
        }
    }

    public void Dispose()
    {
    }
}
