using System.Text.RegularExpressions;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// Finds branches marked uniform (<c>bra.uni</c>, <c>brx.idx.uni</c>) whose predicate or index may differ
/// between the threads of a warp: PTX leaves such a branch undefined. Forward may-analysis over the kernel's
/// control-flow graph: a register is thread-dependent after it is written from a per-thread special register
/// (%tid, %laneid, ...), from a thread-dependent register or memory address, or under a thread-dependent
/// predicate; an unpredicated write from uniform values clears it (ILGPU reuses registers, %p3 for a parameter
/// test here and a data test there). Not covered: values that differ only because divergent paths wrote
/// different constants (control dependence); ILGPU's own analysis ignores those too.
/// </summary>
public static partial class PtxDivergence
{
    public sealed record Finding(int Line, string Instruction);

    sealed record Instruction(int Line, string? Pred, string Op, string[] Operands, string Text, string[] Destinations, string[] Sources);

    static readonly string[] PerThreadSpecials = ["%tid", "%laneid", "%warpid", "%lanemask", "%clock", "%globaltimer", "%smid"];

    /// <summary>Opcodes with no destination register (their first operand is read, not written).</summary>
    static readonly HashSet<string> NoDestination = ["st", "bra", "brx", "ret", "exit", "bar", "barrier", "membar", "fence", "red", "call", "prefetch", "trap"];

    public static IReadOnlyList<Finding> DivergentUniformBranches(string ptx)
    {
        // ---- parse: instructions, split into basic blocks at labels and after branches
        var blocks = new List<List<Instruction>> { new() };
        var labelBlock = new Dictionary<string, int>();
        var lines = ptx.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var label = LabelRe().Match(lines[i]);
            if (label.Success)
            {
                if (blocks[^1].Count > 0) blocks.Add(new());
                labelBlock[label.Groups[1].Value] = blocks.Count - 1;
                continue;
            }
            var m = InstructionRe().Match(lines[i]);
            if (!m.Success) continue;
            string op = m.Groups["op"].Value;
            var operands = m.Groups["args"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            int nDest = NoDestination.Contains(op.Split('.')[0]) || operands.Length == 0 ? 0 : DestinationCount(operands);
            var dest = RegisterRe().Matches(string.Join(",", operands.Take(nDest))).Select(r => r.Value).ToArray();
            var src = operands.Skip(nDest).ToArray();
            blocks[^1].Add(new Instruction(i + 1, m.Groups["pred"].Success ? m.Groups["pred"].Value : null, op, operands, lines[i].Trim(), dest, src));
            if (op.StartsWith("bra", StringComparison.Ordinal) || op.StartsWith("brx", StringComparison.Ordinal) || op is "ret" or "exit")
                blocks.Add(new());
        }

        // ---- edges: fall-through unless the block ends in an unpredicated jump or return; branch targets
        var successors = new List<int>[blocks.Count];
        var branchTargets = BranchTargetsRe().Matches(ptx).SelectMany(t => t.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries)).ToArray();
        for (int b = 0; b < blocks.Count; b++)
        {
            successors[b] = new();
            var last = blocks[b].LastOrDefault();
            bool jumpsAway = last != null && last.Pred == null && (last.Op.StartsWith("bra", StringComparison.Ordinal) || last.Op.StartsWith("brx", StringComparison.Ordinal) || last.Op is "ret" or "exit");
            if (!jumpsAway && b + 1 < blocks.Count) successors[b].Add(b + 1);
            if (last == null) continue;
            if (last.Op.StartsWith("bra", StringComparison.Ordinal) && labelBlock.TryGetValue(last.Operands[^1], out int target)) successors[b].Add(target);
            if (last.Op.StartsWith("brx", StringComparison.Ordinal))
                foreach (var t in branchTargets) if (labelBlock.TryGetValue(t, out int bt)) successors[b].Add(bt);
        }

        // ---- fix point: tainted registers at each block's entry
        var entry = new HashSet<string>[blocks.Count];
        for (int b = 0; b < blocks.Count; b++) entry[b] = new();
        var findings = new Dictionary<int, Finding>();
        var work = new Queue<int>(Enumerable.Range(0, blocks.Count));
        var queued = new HashSet<int>(work);
        while (work.Count > 0)
        {
            int b = work.Dequeue();
            queued.Remove(b);
            var state = new HashSet<string>(entry[b]);
            foreach (var ins in blocks[b])
            {
                bool predTainted = ins.Pred != null && Tainted(ins.Pred, state);
                bool uniformBranch = ins.Op == "bra.uni" || ins.Op.StartsWith("brx.idx.uni", StringComparison.Ordinal);
                if (uniformBranch && (predTainted || (ins.Op.StartsWith("brx", StringComparison.Ordinal) && Tainted(ins.Operands[0], state))))
                    findings[ins.Line] = new Finding(ins.Line, ins.Text);
                bool value = predTainted || ins.Sources.Any(s => Tainted(s, state));
                foreach (var d in ins.Destinations)
                {
                    if (value) state.Add(d);
                    else if (ins.Pred == null) state.Remove(d); // a predicated write keeps the old value where it does not happen
                }
            }
            foreach (var s in successors[b])
                if (!state.IsSubsetOf(entry[s]))
                {
                    entry[s].UnionWith(state);
                    if (queued.Add(s)) work.Enqueue(s);
                }
        }
        return findings.Values.OrderBy(f => f.Line).ToList();
    }

    static bool Tainted(string operand, HashSet<string> state) =>
        PerThreadSpecials.Any(s => operand.Contains(s, StringComparison.Ordinal))
        || RegisterRe().Matches(operand).Any(r => state.Contains(r.Value));

    // A vector destination "{%f1, %f2}" was split by the comma split: count its parts.
    static int DestinationCount(string[] operands)
    {
        if (!operands[0].StartsWith('{')) return 1;
        int n = 0;
        while (n < operands.Length && !operands[n].EndsWith('}')) n++;
        return n + 1;
    }

    [GeneratedRegex(@"^\s*(?:@(?<pred>!?%\w+)\s+)?(?<op>[a-z][\w.]*)\s*(?<args>[^;]*);")]
    private static partial Regex InstructionRe();

    [GeneratedRegex(@"^\s*([A-Za-z_$][\w$]*):")]
    private static partial Regex LabelRe();

    [GeneratedRegex(@"\.branchtargets\s+([^;]*);")]
    private static partial Regex BranchTargetsRe();

    [GeneratedRegex(@"%[a-z]+\d+")]
    private static partial Regex RegisterRe();
}
