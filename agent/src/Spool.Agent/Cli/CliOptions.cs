using System.CommandLine;
using System.Security.Cryptography;
using Spool.DataPath;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.Agent.Cli;

/// <summary>Options shared by the CLI commands, and the conversions from their values.</summary>
internal static class CliOptions
{
    public static Option<string[]> Drives(string description) => new("--drive")
    {
        Description = description + " A path under /dev is a st tape node; anything else is a directory drive. Repeatable.",
        Required = true,
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.OneOrMore,
    };

    public static Option<string?> KeyFile() => new("--encryption-key-file")
    {
        Description = "File holding the AES-256 key: 32 raw bytes, 64 hex characters or base64.",
    };

    public static Option<string?> KeyId() => new("--key-id")
    {
        Description = "Key id recorded in the backup (default: a fingerprint of the key).",
    };

    public static DriveSpec Spec(string path, int? blockSize = null, long? capacity = null) =>
        path.StartsWith("/dev/", StringComparison.Ordinal)
            ? new DriveSpec(Spool.DataPath.Drives.DriveType.Tape, path, blockSize, capacity)
            : new DriveSpec(Spool.DataPath.Drives.DriveType.Directory, Path.GetFullPath(path), blockSize, capacity);

    public static EncryptionKey? LoadKey(string? file, string? id)
    {
        if (file is null)
        {
            return null;
        }

        var raw = File.ReadAllBytes(file);
        byte[] key;
        if (raw.Length == 32)
        {
            key = raw;
        }
        else
        {
            var text = System.Text.Encoding.ASCII.GetString(raw).Trim();
            try
            {
                key = text.Length == 64 ? Convert.FromHexString(text) : Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                throw new ArgumentException($"{file}: not a 32-byte key (raw, hex or base64)");
            }
        }

        var keyId = id ?? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(key))[..16];
        var k = new EncryptionKey(keyId, key);
        k.Validate();
        return k;
    }

    public static Guid ParseBackupId(string text) =>
        Guid.TryParse(text, out var id) ? id : throw new ArgumentException($"'{text}' is not a backup id");

    /// <summary>Runs a command body, turning any failure into a message on stderr and exit code 1.</summary>
    public static async Task<int> Guard(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ArgumentException or ArchiveException or InvalidDataException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Error;
        }
    }
}
