using System.Text.Json.Nodes;

namespace Spool.Transpiler.Tests;

public sealed class CelEvaluatorTests
{
    [TestCase("""{"a":1}""", "has(self.a) != has(self.b)", true)]
    [TestCase("""{"a":1,"b":2}""", "has(self.a) != has(self.b)", false)]
    [TestCase("""{"mode":"Parity","width":4}""", "self.mode != 'Parity' || (self.width >= 3 && self.width <= 9)", true)]
    [TestCase("""{"mode":"Parity","width":2}""", "self.mode != 'Parity' || (self.width >= 3 && self.width <= 9)", false)]
    [TestCase("""{"a":"x"}""", "[has(self.a), has(self.b), has(self.c)].filter(x, x).size() == 1", true)]
    [TestCase("""{"a":"x","c":{}}""", "[has(self.a), has(self.b), has(self.c)].filter(x, x).size() == 1", false)]
    [TestCase("""{}""", "[has(self.a), has(self.b)].filter(x, x).size() == 1", false)]
    [TestCase("""{"l":[1,2,3]}""", "self.l.all(i, i > 0) && self.l.exists(i, i == 2) && size(self.l) == 3", true)]
    [TestCase("""{"l":[]}""", "!self.l.exists(i, i == 2)", true)]
    [TestCase("""{"s":"abc"}""", "self.s.size() == 3 && self.s == \"abc\"", true)]
    public void Evaluates(string json, string rule, bool expected) =>
        CelEvaluator.Holds(rule, JsonNode.Parse(json)).Should().Be(expected);

    [Test]
    public void Missing_field_is_an_error_not_false() =>
        FluentActions.Invoking(() => CelEvaluator.Holds("self.width > 1", JsonNode.Parse("{}"))).Should().Throw<CelException>();

    [TestCase("self.a +")]
    [TestCase("self.a.matches('x')")]
    [TestCase("has(self)")]
    [TestCase("(self.a")]
    public void Unsupported_or_broken_rules_do_not_parse(string rule) =>
        FluentActions.Invoking(() => CelEvaluator.Parse(rule)).Should().Throw<FormatException>();
}
