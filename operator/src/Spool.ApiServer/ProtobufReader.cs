using System.Text;

namespace Spool.ApiServer;

/// <summary>A minimal protobuf wire-format reader (varints, length-delimited fields, fixed 32/64).</summary>
public ref struct ProtobufReader
{
    private readonly ReadOnlySpan<byte> data;
    private int position;

    public ProtobufReader(ReadOnlySpan<byte> data)
    {
        this.data = data;
        position = 0;
    }

    public readonly bool End => position >= data.Length;

    public (int Field, int WireType) ReadTag()
    {
        var tag = ReadVarint();
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw Malformed();
            }

            var b = data[position++];
            result |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Malformed();
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(data.Length - position))
        {
            throw Malformed();
        }

        var slice = data.Slice(position, (int)length);
        position += (int)length;
        return slice;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                Advance(8);
                break;
            case 2:
                ReadBytes();
                break;
            case 5:
                Advance(4);
                break;
            default:
                throw Malformed();
        }
    }

    private void Advance(int count)
    {
        if (position + count > data.Length)
        {
            throw Malformed();
        }

        position += count;
    }

    private static ApiException Malformed() => StatusFactory.BadRequest("failed to decode protobuf body: malformed data");
}
