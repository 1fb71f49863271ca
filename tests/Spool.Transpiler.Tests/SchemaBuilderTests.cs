using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Xml.Linq;
using Spool.Api;

namespace Spool.Transpiler.Tests;

public sealed class SchemaBuilderTests
{
    private static readonly XmlDocumentation Docs = XmlDocumentation.Parse(XDocument.Parse($"""
        <doc><members>
          <member name="T:{typeof(Sample).FullName!.Replace('+', '.')}"><summary>
             A sample,   spread over
             lines, see <see cref="P:{typeof(Sample).FullName!.Replace('+', '.')}.Labels"/> and <c>code</c>.</summary></member>
          <member name="P:{typeof(Sample).FullName!.Replace('+', '.')}.Count"><summary>How many.</summary></member>
          <member name="F:{typeof(Colour).FullName!.Replace('+', '.')}.Red"><summary>Warm.</summary></member>
        </members></doc>
        """));

    public enum Colour
    {
        Red,
        [JsonStringEnumMemberName("deep-blue")]
        Blue,
    }

    public sealed record Sample
    {
        [Required]
        [System.ComponentModel.DataAnnotations.Range(1, long.MaxValue)]
        [DefaultValue(5L)]
        public long Count { get; init; } = 5;

        [DefaultValue(Colour.Blue)]
        public Colour Colour { get; init; } = Colour.Blue;

        public Colour? MaybeColour { get; init; }

        public IReadOnlyDictionary<string, int>? Labels { get; init; }

        public IReadOnlyList<Child> Children { get; init; } = [];

        [PreserveUnknownFields]
        public Child? Loose { get; init; }

        public JsonObject? Raw { get; init; }

        [JsonPropertyName("renamed")]
        public string? Original { get; init; }

        [JsonIgnore]
        public string? Hidden { get; init; }

        [MaxLength(3)]
        public string[]? Tags { get; init; }

        public DateTimeOffset When { get; init; }

        public double Ratio { get; init; }

        public int Small { get; init; }
    }

    [ValidationRule("self.a != self.b", "a and b differ")]
    public sealed record Child
    {
        [RegularExpression("^x")]
        public string A { get; init; } = "";

        public string? B { get; init; }
    }

    public sealed record Loop
    {
        public IReadOnlyList<Loop>? Next { get; init; }
    }

    private static JsonObject Schema => JsonNode.Parse(new SchemaBuilder(Docs).ForType(typeof(Sample)).ToJsonString())!.AsObject();

    private static JsonObject Property(string name) => Schema["properties"]![name]!.AsObject();

    [Test]
    public void Type_summary_is_collapsed_and_crefs_are_json_names() =>
        Schema["description"]!.GetValue<string>().Should().Be("A sample, spread over lines, see labels and code.");

    [Test]
    public void Required_bounds_and_defaults()
    {
        Schema["required"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("count");
        var count = Property("count");
        count["description"]!.GetValue<string>().Should().Be("How many.");
        count["format"]!.GetValue<string>().Should().Be("int64");
        count["minimum"]!.GetValue<long>().Should().Be(1);
        count.ContainsKey("maximum").Should().BeFalse();
        count["default"]!.GetValue<long>().Should().Be(5);
    }

    [Test]
    public void Enums_use_json_member_names_and_member_docs()
    {
        var colour = Property("colour");
        colour["enum"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("Red", "deep-blue");
        colour["default"]!.GetValue<string>().Should().Be("deep-blue");
        colour["description"]!.GetValue<string>().Should().Be("Red: Warm.");
        Property("maybeColour")["type"]!.GetValue<string>().Should().Be("string");
        Property("maybeColour").ContainsKey("nullable").Should().BeFalse();
    }

    [Test]
    public void Maps_lists_free_form_and_names()
    {
        Property("labels")["additionalProperties"]!["format"]!.GetValue<string>().Should().Be("int32");
        var children = Property("children");
        children["type"]!.GetValue<string>().Should().Be("array");
        children["items"]!["properties"]!["a"]!["pattern"]!.GetValue<string>().Should().Be("^x");
        children["items"]!["x-kubernetes-validations"]![0]!["rule"]!.GetValue<string>().Should().Be("self.a != self.b");
        Property("loose")["x-kubernetes-preserve-unknown-fields"]!.GetValue<bool>().Should().BeTrue();
        Property("loose")["x-kubernetes-validations"]!.AsArray().Should().ContainSingle();
        Property("raw")["type"]!.GetValue<string>().Should().Be("object");
        Property("raw")["x-kubernetes-preserve-unknown-fields"]!.GetValue<bool>().Should().BeTrue();
        Schema["properties"]!.AsObject().Select(p => p.Key).Should().Contain("renamed").And.NotContain("original").And.NotContain("hidden");
        Property("tags")["maxItems"]!.GetValue<long>().Should().Be(3);
        Property("when")["format"]!.GetValue<string>().Should().Be("date-time");
        Property("ratio")["type"]!.GetValue<string>().Should().Be("number");
        Property("small")["format"]!.GetValue<string>().Should().Be("int32");
        Property("small").ContainsKey("default").Should().BeFalse("only [DefaultValue] makes a default");
    }

    [Test]
    public void Recursion_is_refused() =>
        FluentActions.Invoking(() => new SchemaBuilder(Docs).ForType(typeof(Loop)))
            .Should().Throw<NotSupportedException>().WithMessage("*recursion*");

    [Test]
    public void Storage_version_is_the_most_stable_newest()
    {
        KubernetesVersion.Priority("v1").Should().BeGreaterThan(KubernetesVersion.Priority("v1beta2"));
        KubernetesVersion.Priority("v2beta1").Should().BeGreaterThan(KubernetesVersion.Priority("v1beta2"));
        KubernetesVersion.Priority("v1beta1").Should().BeGreaterThan(KubernetesVersion.Priority("v1alpha3"));
        KubernetesVersion.Priority("v1alpha2").Should().BeGreaterThan(KubernetesVersion.Priority("v1alpha1"));
        KubernetesVersion.Priority("unstable").Should().Be(0);
    }
}
