using System.Globalization;
using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>
/// Decodes the Kubernetes protobuf envelope for the few kinds typed Go clients send that way to this server:
/// Secret and ConfigMap (helm's release storage), Namespace and ServiceAccount (kubectl create), plus DeleteOptions. Other kinds get 415 so clients use JSON.
/// </summary>
public static class ProtobufDecoder
{
    private static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];

    public static JsonObject Decode(ReadOnlySpan<byte> body, string expectedKind)
    {
        if (body.Length < 4 || !body[..4].SequenceEqual(Magic))
        {
            throw StatusFactory.BadRequest("failed to decode protobuf body: missing k8s envelope");
        }

        var reader = new ProtobufReader(body[4..]);
        string? apiVersion = null;
        string? kind = null;
        ReadOnlySpan<byte> raw = default;
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1 && wire == 2)
            {
                var typeMeta = new ProtobufReader(reader.ReadBytes());
                while (!typeMeta.End)
                {
                    var (f, w) = typeMeta.ReadTag();
                    if (f == 1 && w == 2)
                    {
                        apiVersion = typeMeta.ReadString();
                    }
                    else if (f == 2 && w == 2)
                    {
                        kind = typeMeta.ReadString();
                    }
                    else
                    {
                        typeMeta.Skip(w);
                    }
                }
            }
            else if (field == 2 && wire == 2)
            {
                raw = reader.ReadBytes();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        kind = string.IsNullOrEmpty(kind) ? expectedKind : kind;
        var obj = kind switch
        {
            "Secret" => Secret(raw),
            "ConfigMap" => ConfigMap(raw),
            "DeleteOptions" => DeleteOptions(raw),
            "Namespace" or "ServiceAccount" => MetadataOnly(raw),
            _ => throw StatusFactory.UnsupportedMediaType("application/vnd.kubernetes.protobuf"),
        };
        if (!string.IsNullOrEmpty(apiVersion))
        {
            obj["apiVersion"] = apiVersion;
        }

        obj["kind"] = kind;
        return obj;
    }

    private static JsonObject Secret(ReadOnlySpan<byte> raw)
    {
        var obj = new JsonObject();
        var reader = new ProtobufReader(raw);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == 2:
                    obj["metadata"] = ObjectMeta(reader.ReadBytes());
                    break;
                case 2 when wire == 2:
                {
                    var (k, v) = MapEntry(reader.ReadBytes());
                    var data = obj["data"] as JsonObject ?? new JsonObject();
                    data[k] = Convert.ToBase64String(v);
                    obj["data"] = data;
                    break;
                }

                case 3 when wire == 2:
                    obj["type"] = reader.ReadString();
                    break;
                case 4 when wire == 2:
                {
                    var (k, v) = MapEntry(reader.ReadBytes());
                    var data = obj["stringData"] as JsonObject ?? new JsonObject();
                    data[k] = System.Text.Encoding.UTF8.GetString(v);
                    obj["stringData"] = data;
                    break;
                }

                case 5 when wire == 0:
                    obj["immutable"] = reader.ReadVarint() != 0;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return obj;
    }

    private static JsonObject ConfigMap(ReadOnlySpan<byte> raw)
    {
        var obj = new JsonObject();
        var reader = new ProtobufReader(raw);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == 2:
                    obj["metadata"] = ObjectMeta(reader.ReadBytes());
                    break;
                case 2 when wire == 2:
                {
                    var (k, v) = MapEntry(reader.ReadBytes());
                    var data = obj["data"] as JsonObject ?? new JsonObject();
                    data[k] = System.Text.Encoding.UTF8.GetString(v);
                    obj["data"] = data;
                    break;
                }

                case 3 when wire == 2:
                {
                    var (k, v) = MapEntry(reader.ReadBytes());
                    var data = obj["binaryData"] as JsonObject ?? new JsonObject();
                    data[k] = Convert.ToBase64String(v);
                    obj["binaryData"] = data;
                    break;
                }

                case 4 when wire == 0:
                    obj["immutable"] = reader.ReadVarint() != 0;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return obj;
    }

    /// <summary>Kinds whose other fields are server-owned or rarely sent (Namespace spec/status, ServiceAccount secrets).</summary>
    private static JsonObject MetadataOnly(ReadOnlySpan<byte> raw)
    {
        var obj = new JsonObject();
        var reader = new ProtobufReader(raw);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1 && wire == 2)
            {
                obj["metadata"] = ObjectMeta(reader.ReadBytes());
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return obj;
    }

    private static JsonObject DeleteOptions(ReadOnlySpan<byte> raw)
    {
        var obj = new JsonObject();
        var reader = new ProtobufReader(raw);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == 0:
                    obj["gracePeriodSeconds"] = (long)reader.ReadVarint();
                    break;
                case 2 when wire == 2:
                {
                    var pre = new JsonObject();
                    var p = new ProtobufReader(reader.ReadBytes());
                    while (!p.End)
                    {
                        var (f, w) = p.ReadTag();
                        if (f == 1 && w == 2)
                        {
                            pre["uid"] = p.ReadString();
                        }
                        else if (f == 2 && w == 2)
                        {
                            pre["resourceVersion"] = p.ReadString();
                        }
                        else
                        {
                            p.Skip(w);
                        }
                    }

                    obj["preconditions"] = pre;
                    break;
                }

                case 3 when wire == 0:
                    obj["orphanDependents"] = reader.ReadVarint() != 0;
                    break;
                case 4 when wire == 2:
                    obj["propagationPolicy"] = reader.ReadString();
                    break;
                case 5 when wire == 2:
                {
                    var list = obj["dryRun"] as JsonArray ?? new JsonArray();
                    list.Add(reader.ReadString());
                    obj["dryRun"] = list;
                    break;
                }

                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return obj;
    }

    private static JsonObject ObjectMeta(ReadOnlySpan<byte> raw)
    {
        var meta = new JsonObject();
        var reader = new ProtobufReader(raw);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == 2:
                    meta["name"] = reader.ReadString();
                    break;
                case 2 when wire == 2:
                    meta["generateName"] = reader.ReadString();
                    break;
                case 3 when wire == 2:
                    meta["namespace"] = reader.ReadString();
                    break;
                case 5 when wire == 2:
                    meta["uid"] = reader.ReadString();
                    break;
                case 6 when wire == 2:
                    meta["resourceVersion"] = reader.ReadString();
                    break;
                case 7 when wire == 0:
                    meta["generation"] = (long)reader.ReadVarint();
                    break;
                case 11 when wire == 2:
                case 12 when wire == 2:
                {
                    var key = field == 11 ? "labels" : "annotations";
                    var (k, v) = MapEntry(reader.ReadBytes());
                    var map = meta[key] as JsonObject ?? new JsonObject();
                    map[k] = System.Text.Encoding.UTF8.GetString(v);
                    meta[key] = map;
                    break;
                }

                case 13 when wire == 2:
                {
                    var list = meta["ownerReferences"] as JsonArray ?? new JsonArray();
                    list.Add(OwnerReference(reader.ReadBytes()));
                    meta["ownerReferences"] = list;
                    break;
                }

                case 14 when wire == 2:
                {
                    var list = meta["finalizers"] as JsonArray ?? new JsonArray();
                    list.Add(reader.ReadString());
                    meta["finalizers"] = list;
                    break;
                }

                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return meta;
    }

    private static JsonObject OwnerReference(ReadOnlySpan<byte> raw)
    {
        var owner = new JsonObject();
        var reader = new ProtobufReader(raw);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == 2:
                    owner["kind"] = reader.ReadString();
                    break;
                case 3 when wire == 2:
                    owner["name"] = reader.ReadString();
                    break;
                case 4 when wire == 2:
                    owner["uid"] = reader.ReadString();
                    break;
                case 5 when wire == 2:
                    owner["apiVersion"] = reader.ReadString();
                    break;
                case 6 when wire == 0:
                    owner["controller"] = reader.ReadVarint() != 0;
                    break;
                case 7 when wire == 0:
                    owner["blockOwnerDeletion"] = reader.ReadVarint() != 0;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return owner;
    }

    private static (string Key, byte[] Value) MapEntry(ReadOnlySpan<byte> raw)
    {
        var reader = new ProtobufReader(raw);
        var key = string.Empty;
        byte[] value = [];
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1 && wire == 2)
            {
                key = reader.ReadString();
            }
            else if (field == 2 && wire == 2)
            {
                value = reader.ReadBytes().ToArray();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        _ = CultureInfo.InvariantCulture;
        return (key, value);
    }
}
