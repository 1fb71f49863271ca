using System.Security.Cryptography;
using System.Text;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

public static class Checkpoints
{
    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of the data path's checkpoint document.</summary>
    public static string Digest(string data) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(data)));

    /// <summary>True when the record carries data whose digest matches, so that it can be resumed from.</summary>
    public static bool Verifies(CheckpointRecord? record) =>
        record?.Data is { } data && record.Digest is { } digest && string.Equals(Digest(data), digest, StringComparison.OrdinalIgnoreCase);
}
