using Spool.Api;

namespace Spool.Operator.Decisions;

/// <summary>Structural equality of API objects as they would be written (records compare lists by reference).</summary>
public static class StatusJson
{
    public static bool Same<T>(T? a, T? b) => KubeJson.Serialize(a) == KubeJson.Serialize(b);
}
