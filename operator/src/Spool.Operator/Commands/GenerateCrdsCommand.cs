using System.CommandLine;
using Spool.Transpiler;

namespace Spool.Operator.Commands;

/// <summary><c>generate-crds</c>: writes the CRDs (and optionally the Markdown reference) from the C# types; <c>make crds</c> runs it.</summary>
public static class GenerateCrdsCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--output", "-o")
        {
            Description = "Directory for the CRD files, one per custom resource",
            Required = true,
        };
        var chart = new Option<DirectoryInfo[]>("--chart")
        {
            Description = "Further directories that get the same files, such as the Helm chart's crds/",
            AllowMultipleArgumentsPerToken = true,
        };
        var reference = new Option<FileInfo?>("--reference")
        {
            Description = "Markdown file for the CRD reference",
        };

        var command = new Command("generate-crds", "Generate the CustomResourceDefinitions from the C# API types")
        {
            output,
            chart,
            reference,
        };
        command.SetAction(parse =>
        {
            var directories = new List<string> { parse.GetRequiredValue(output).FullName };
            directories.AddRange((parse.GetValue(chart) ?? []).Select(d => d.FullName));
            var written = new CrdGenerator().Write(directories, parse.GetValue(reference)?.FullName);
            foreach (var path in written)
            {
                Console.Out.WriteLine(Path.GetRelativePath(Environment.CurrentDirectory, path));
            }

            return 0;
        });
        return command;
    }
}
