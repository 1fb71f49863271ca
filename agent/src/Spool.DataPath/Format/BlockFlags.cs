namespace Spool.DataPath.Format;

[Flags]
public enum BlockFlags : uint
{
    None = 0,

    /// <summary>Payload is AES-256-GCM ciphertext; the tag field authenticates header and payload, the CRC field is zero.</summary>
    Encrypted = 1,
}
