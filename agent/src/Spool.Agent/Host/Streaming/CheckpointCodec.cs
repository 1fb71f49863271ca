using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spool.Agent.Host.Jobs;
using Spool.Api.V1Alpha1;
using Spool.DataPath;

namespace Spool.Agent.Host.Streaming;

/// <summary>The data path checkpoint as stored in <c>status.checkpoint.data</c>, and its SHA-256 digest.</summary>
public static class CheckpointCodec
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    public static string Serialize(Checkpoint checkpoint) => JsonSerializer.Serialize(checkpoint, Options);

    public static Checkpoint? Deserialize(string json) => JsonSerializer.Deserialize<Checkpoint>(json, Options);

    /// <summary>Lower-case hex SHA-256 of the UTF-8 text.</summary>
    public static string Digest(string data) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(data)));

    /// <summary>
    /// The checkpoint the current epoch resumes from, or null for a fresh start.
    /// </summary>
    /// <exception cref="AgentFailureException">CheckpointUnusable: digest mismatch, unreadable, or not older than this epoch.</exception>
    public static Checkpoint? ResumePoint(CheckpointRecord? resumeFrom, long epoch)
    {
        if (resumeFrom?.Data is null)
        {
            return null;
        }

        if (!string.Equals(Digest(resumeFrom.Data), resumeFrom.Digest, StringComparison.OrdinalIgnoreCase))
        {
            throw new AgentFailureException(ReportReasons.CheckpointUnusable, $"resumeFrom of epoch {resumeFrom.Epoch} sequence {resumeFrom.Sequence}: digest does not match its data");
        }

        Checkpoint? checkpoint;
        try
        {
            checkpoint = Deserialize(resumeFrom.Data);
        }
        catch (JsonException error)
        {
            throw new AgentFailureException(ReportReasons.CheckpointUnusable, $"resumeFrom is not a data path checkpoint: {error.Message}", inner: error);
        }

        if (checkpoint is null)
        {
            throw new AgentFailureException(ReportReasons.CheckpointUnusable, "resumeFrom is empty");
        }

        if (checkpoint.Epoch >= epoch)
        {
            throw new AgentFailureException(ReportReasons.CheckpointUnusable, $"resumeFrom was written at epoch {checkpoint.Epoch}, not before epoch {epoch}");
        }

        return checkpoint;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }
}
