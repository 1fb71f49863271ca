using Spool.DataPath.Native;

namespace Spool.DataPath.Drives;

/// <summary>
/// A st tape in fixed-block mode holding one medium. Tape file N is the N-th file from the beginning of the tape;
/// new files are appended at end of data (MTEOM) and ended by a file mark (MTWEOF). Random block access inside a file uses
/// forward/backward space records. A medium whose every backup has expired is reused from its start
/// (<see cref="OverwriteFromStart"/>): writing at the beginning of a tape ends its data there, so nothing written before
/// can be read any more.
/// </summary>
public sealed class TapeDrive : IDrive
{
    private readonly ITapeDevice device;
    private bool overwriteNext;

    public TapeDrive(DriveSpec spec, ITapeDevice device)
    {
        Spec = spec;
        this.device = device;
        BlockSize = spec.BlockSize ?? DriveSpec.DefaultBlockSize;
        device.Operation(MtOperation.SetBlk, BlockSize);
    }

    public string Id => "tape:" + Spec.Path;

    public DriveSpec Spec { get; }

    public int BlockSize { get; }

    public IReadOnlyList<TapeFileInfo> ListFiles()
    {
        var result = new List<TapeFileInfo>();
        var buffer = new byte[BlockSize];
        device.Operation(MtOperation.Rew, 1);
        for (var file = 1; ; file++)
        {
            if (device.Read(buffer) == 0)
            {
                return result;
            }

            result.Add(new TapeFileInfo(new TapeFileAddress(1, file), -1, -1, false));
            device.Operation(MtOperation.Fsf, 1);
        }
    }

    public ITapeFileWriter AppendFile(bool nextMedium)
    {
        if (nextMedium)
        {
            throw new DriveException($"tape {Spec.Path} is full and this drive has no changer; load a new cartridge and resume");
        }

        if (overwriteNext)
        {
            overwriteNext = false;
            device.Operation(MtOperation.Rew, 1);
            return new TapeFileWriter(device, new TapeFileAddress(1, 1), BlockSize);
        }

        device.Operation(MtOperation.Eom, 1);
        var status = device.Status();
        return new TapeFileWriter(device, new TapeFileAddress(1, status.FileNo + 1), BlockSize);
    }

    /// <summary>
    /// The next <see cref="AppendFile"/> starts at the beginning of the tape instead of its end of data, as file 1; every
    /// file on the medium is lost. Later appends go to the end of data again.
    /// </summary>
    public void OverwriteFromStart() => overwriteNext = true;

    public ITapeFileReader OpenFile(TapeFileAddress address)
    {
        device.Operation(MtOperation.Rew, 1);
        if (address.File > 1)
        {
            device.Operation(MtOperation.Fsf, address.File - 1);
        }

        return new TapeFileReader(device, address, BlockSize);
    }

    public void Dispose() => device.Dispose();
}
