using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Spool.DataPath.Format;

/// <summary>
/// Seals and opens single blocks: CRC-32C when plain, AES-256-GCM when a key is given.
/// One instance per writer session; its random 64-bit writer id prefixes every nonce (see docs/format.md, "Nonces").
/// </summary>
public sealed class BlockCodec : IDisposable
{
    private readonly AesGcm? aes;
    private readonly ulong writerId;
    private uint counter;

    public BlockCodec(int blockSize, EncryptionKey? key)
    {
        if (blockSize < 4096 || blockSize % 512 != 0 || blockSize > 16 << 20)
        {
            throw new ArgumentException($"block size {blockSize} must be a multiple of 512 between 4 KiB and 16 MiB");
        }

        BlockSize = blockSize;
        if (key is not null)
        {
            key.Validate();
            aes = new AesGcm(key.Key, BlockHeader.TagSize);
            KeyId = key.KeyId;
        }

        Span<byte> id = stackalloc byte[8];
        RandomNumberGenerator.Fill(id);
        writerId = BinaryPrimitives.ReadUInt64LittleEndian(id);
    }

    public int BlockSize { get; }

    public int PayloadCapacity => BlockSize - BlockHeader.Size;

    public bool Encrypts => aes is not null;

    public string? KeyId { get; }

    /// <summary>
    /// Completes a block whose payload already sits at <c>[128, 128 + header.PayloadLength)</c>: zero-pads the tail,
    /// writes the header, then either the CRC or (encrypting in place) the GCM tag.
    /// Segment headers and trailers are never encrypted so drives can be listed without keys.
    /// </summary>
    public void Seal(Span<byte> block, BlockHeader header, bool allowEncryption = true)
    {
        if (block.Length != BlockSize || header.PayloadLength < 0 || header.PayloadLength > PayloadCapacity)
        {
            throw new ArgumentException("block or payload length out of range");
        }

        var payloadEnd = BlockHeader.Size + header.PayloadLength;
        block[payloadEnd..].Clear();
        var encrypt = aes is not null && allowEncryption;
        if (encrypt)
        {
            header = header with { Flags = header.Flags | BlockFlags.Encrypted };
        }

        header.Write(block);
        if (encrypt)
        {
            var nonce = block.Slice(BlockHeader.NonceOffset, BlockHeader.NonceSize);
            BinaryPrimitives.WriteUInt64LittleEndian(nonce, writerId);
            var n = counter++;
            if (counter == 0)
            {
                throw new InvalidOperationException("nonce counter exhausted; start a new writer session");
            }

            BinaryPrimitives.WriteUInt32LittleEndian(nonce[8..], n);
            var payload = block[BlockHeader.Size..payloadEnd];
            var tag = block.Slice(BlockHeader.TagOffset, BlockHeader.TagSize);

            // AAD is the header with the tag still zero, so every header field is authenticated.
            Span<byte> aad = stackalloc byte[BlockHeader.Size];
            block[..BlockHeader.Size].CopyTo(aad);
            aes!.Encrypt(nonce, payload, payload, tag, aad);
        }
        else
        {
            var crc = Crc32C.Compute(block[..payloadEnd]);
            BinaryPrimitives.WriteUInt32LittleEndian(block[BlockHeader.CrcOffset..], crc);
        }
    }

    /// <summary>Verifies a block and decrypts its payload in place. Never throws for bad data.</summary>
    public bool TryOpen(Span<byte> block, out BlockHeader header, out string? error)
    {
        if (!BlockHeader.TryRead(block, out header, out error))
        {
            return false;
        }

        if (header.PayloadLength < 0 || header.PayloadLength > block.Length - BlockHeader.Size || header.RawLength < 0)
        {
            error = "payload length out of range";
            return false;
        }

        var payloadEnd = BlockHeader.Size + header.PayloadLength;
        if ((header.Flags & BlockFlags.Encrypted) != 0)
        {
            if (aes is null)
            {
                error = "block is encrypted and no key was supplied";
                return false;
            }

            Span<byte> aad = stackalloc byte[BlockHeader.Size];
            block[..BlockHeader.Size].CopyTo(aad);
            aad.Slice(BlockHeader.TagOffset, BlockHeader.TagSize).Clear();
            var payload = block[BlockHeader.Size..payloadEnd];
            try
            {
                aes.Decrypt(block.Slice(BlockHeader.NonceOffset, BlockHeader.NonceSize), payload, block.Slice(BlockHeader.TagOffset, BlockHeader.TagSize), payload, aad);
            }
            catch (AuthenticationTagMismatchException)
            {
                error = "authentication tag mismatch (corrupt block or wrong key)";
                return false;
            }

            return true;
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(block[BlockHeader.CrcOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(block[BlockHeader.CrcOffset..], 0);
        var actual = Crc32C.Compute(block[..payloadEnd]);
        BinaryPrimitives.WriteUInt32LittleEndian(block[BlockHeader.CrcOffset..], stored);
        if (stored != actual)
        {
            error = $"CRC-32C mismatch (stored {stored:x8}, computed {actual:x8})";
            return false;
        }

        return true;
    }

    public void Dispose() => aes?.Dispose();
}
