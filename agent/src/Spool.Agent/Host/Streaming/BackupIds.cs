using System.Security.Cryptography;
using System.Text;

namespace Spool.Agent.Host.Streaming;

/// <summary>The operator's string backup id as the data path's Guid: parsed when it is one, else derived stably from it.</summary>
public static class BackupIds
{
    public static Guid ToGuid(string backupId)
    {
        if (Guid.TryParse(backupId, out var parsed))
        {
            return parsed;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("spool-backup-id:" + backupId));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
