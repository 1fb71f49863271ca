namespace Spool.DataPath.Format;

/// <summary>An AES-256 key supplied by the caller (from a Kubernetes Secret or a file). Only <see cref="KeyId"/> is ever written.</summary>
public sealed record EncryptionKey(string KeyId, byte[] Key)
{
    public void Validate()
    {
        if (Key.Length != 32)
        {
            throw new ArgumentException($"encryption key '{KeyId}' must be 32 bytes (AES-256), got {Key.Length}");
        }

        if (string.IsNullOrWhiteSpace(KeyId))
        {
            throw new ArgumentException("encryption key id must not be empty");
        }
    }
}
