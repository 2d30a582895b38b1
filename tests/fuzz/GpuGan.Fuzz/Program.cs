using GpuGan.Fuzz;
using SharpFuzz;

// GpuGan.Fuzz TARGET           under afl-fuzz (tests/fuzz/fuzz.sh): one reader, inputs on stdin
// GpuGan.Fuzz seeds DIR        writes every target's seed corpus to DIR/TARGET/
// GpuGan.Fuzz replay TARGET F… runs the inputs once each and prints the outcome (triage of findings)
// GpuGan.Fuzz list             the targets
string usage = $"usage: GpuGan.Fuzz TARGET | seeds DIR | replay TARGET FILE... | list   (targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))})";
if (args.Length == 0) { Console.Error.WriteLine(usage); return 2; }
string scratch = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"gpugan-fuzz-{Environment.ProcessId}");

switch (args[0])
{
    case "list":
        foreach (var t in FuzzTargets.All) Console.WriteLine($"{t.Name,-12} {t.Description}");
        return 0;
    case "seeds" when args.Length == 2:
        foreach (var t in FuzzTargets.All)
        {
            string dir = Path.Combine(args[1], t.Name);
            Directory.CreateDirectory(dir);
            foreach (var (name, bytes) in t.Seeds()) File.WriteAllBytes(Path.Combine(dir, name), bytes);
        }
        return 0;
    case "replay" when args.Length >= 3 && FuzzTargets.Find(args[1]) is { } target:
        int findings = 0;
        foreach (var file in args.Skip(2))
        {
            try
            {
                var o = FuzzInvariant.Check(target, File.ReadAllBytes(file), scratch);
                Console.WriteLine($"{Path.GetFileName(file)}: {(o.Accepted ? "read" : "refused")} ({o.AllocatedBytes:N0} B allocated): {o.Message}");
            }
            catch (Exception e)
            {
                findings++;
                var inner = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerException! : e;
                Console.WriteLine($"{Path.GetFileName(file)}: FINDING {inner.GetType().Name}: {inner.Message.ReplaceLineEndings(" ")}");
                foreach (var frame in (inner.StackTrace ?? "").Split('\n').Take(3)) Console.WriteLine("    " + frame.Trim());
            }
        }
        if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        return findings == 0 ? 0 : 1;
    default:
        if (args.Length != 1 || FuzzTargets.Find(args[0]) is not { } fuzzed) { Console.Error.WriteLine(usage); return 2; }
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var input = new MemoryStream();
            stream.CopyTo(input);
            FuzzInvariant.Check(fuzzed, input.ToArray(), scratch);
        });
        return 0;
}
