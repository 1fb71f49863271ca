using System.Globalization;
using Spool.DataPath.Native;

namespace Spool.DataPath.Drives;

/// <summary>
/// Virtual tape: <c>ROOT/drive.json</c>, then <c>ROOT/medium-0001/file-000001.tape</c>, ... Files are only ever created
/// (O_EXCL, so two writers racing for a number both succeed with different numbers) and appended; a closed file is the
/// file mark. A medium holds at most <see cref="DriveLabel.CapacityBytes"/>; past that the writer reports "medium full" and
/// the caller continues on the next medium.
/// </summary>
public sealed class DirectoryDrive : IDrive
{
    private const string LabelFile = "drive.json";

    private DirectoryDrive(DriveSpec spec, DriveLabel label)
    {
        Spec = spec;
        Label = label;
    }

    public string Id => Label.Id;

    public DriveSpec Spec { get; }

    public DriveLabel Label { get; }

    public int BlockSize => Label.BlockSize;

    public string Root => Spec.Path;

    public static DirectoryDrive Open(DriveSpec spec, bool create)
    {
        var labelPath = System.IO.Path.Combine(spec.Path, LabelFile);
        if (!File.Exists(labelPath))
        {
            if (!create)
            {
                throw new DriveException($"{spec.Path} is not a Spool directory drive (no {LabelFile})");
            }

            Directory.CreateDirectory(spec.Path);
            var fresh = new DriveLabel(
                "dir-" + Guid.NewGuid().ToString("N")[..12],
                spec.BlockSize ?? DriveSpec.DefaultBlockSize,
                spec.CapacityBytes,
                1);
            var tmp = labelPath + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            File.WriteAllBytes(tmp, SpoolJson.Serialize(fresh));
            try
            {
                // link() fails if another process initialised the drive first; then its label wins.
                Posix.Link(tmp, labelPath);
            }
            catch (IOException) when (File.Exists(labelPath))
            {
            }
            finally
            {
                File.Delete(tmp);
            }
        }

        var label = SpoolJson.Deserialize<DriveLabel>(File.ReadAllBytes(labelPath));
        if (spec.BlockSize is { } bs && bs != label.BlockSize)
        {
            throw new DriveException($"drive {spec.Path} uses block size {label.BlockSize}, not {bs}");
        }

        if (spec.CapacityBytes is { } cap && cap != label.CapacityBytes)
        {
            label = label with { CapacityBytes = cap };
        }

        return new DirectoryDrive(spec, label);
    }

    public IReadOnlyList<TapeFileInfo> ListFiles()
    {
        var result = new List<TapeFileInfo>();
        foreach (var medium in Media())
        {
            foreach (var (file, path) in FilesOf(medium))
            {
                var length = new FileInfo(path).Length;
                result.Add(new TapeFileInfo(new TapeFileAddress(medium, file), length / BlockSize, length, length % BlockSize != 0));
            }
        }

        return result;
    }

    public ITapeFileWriter AppendFile(bool nextMedium)
    {
        var media = Media();
        var medium = media.Count == 0 ? 1 : media[^1];
        if (nextMedium && media.Count > 0)
        {
            medium++;
        }

        while (true)
        {
            var dir = MediumPath(medium);
            Directory.CreateDirectory(dir);
            var used = FilesOf(medium).Sum(f => new FileInfo(f.Path).Length);
            if (Label.CapacityBytes is { } cap && used + (2L * BlockSize) > cap)
            {
                medium++;
                continue;
            }

            var number = FilesOf(medium).Select(f => f.File).DefaultIfEmpty(0).Max() + 1;
            while (true)
            {
                var path = FilePath(new TapeFileAddress(medium, number));
                try
                {
                    var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
                    Posix.FsyncDirectory(dir);
                    return new DirectoryTapeFileWriter(handle, new TapeFileAddress(medium, number), BlockSize, Label.CapacityBytes is { } c ? c - used : null);
                }
                catch (IOException) when (File.Exists(path))
                {
                    number++;
                }
            }
        }
    }

    public ITapeFileReader OpenFile(TapeFileAddress address)
    {
        var path = FilePath(address);
        if (!File.Exists(path))
        {
            throw new DriveException($"tape file {address} is missing on drive {Id} ({path})");
        }

        return new DirectoryTapeFileReader(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), address, BlockSize);
    }

    public string FilePath(TapeFileAddress a) =>
        System.IO.Path.Combine(MediumPath(a.Medium), string.Create(CultureInfo.InvariantCulture, $"file-{a.File:D6}.tape"));

    private string MediumPath(int medium) => System.IO.Path.Combine(Root, string.Create(CultureInfo.InvariantCulture, $"medium-{medium:D4}"));

    private List<int> Media() =>
        Directory.EnumerateDirectories(Root, "medium-*")
            .Select(d => int.TryParse(System.IO.Path.GetFileName(d).AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
            .Where(n => n > 0)
            .Order()
            .ToList();

    private List<(int File, string Path)> FilesOf(int medium)
    {
        var dir = MediumPath(medium);
        if (!Directory.Exists(dir))
        {
            return [];
        }

        return Directory.EnumerateFiles(dir, "file-*.tape")
            .Select(p => (File: int.TryParse(System.IO.Path.GetFileName(p).AsSpan(5, 6), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1, Path: p))
            .Where(t => t.File > 0)
            .OrderBy(t => t.File)
            .ToList();
    }

    public void Dispose()
    {
    }
}
