using System.Globalization;
using System.Text;

namespace GpuGan.Training;

/// <summary>Loss_D and Loss_G against iterations as a standalone SVG (no plotting dependency; opens in any browser), and
/// below them, when the run evaluated sample quality, FID of G (and G_ema) against iterations.</summary>
public static class LossPlot
{
    public static void Save(string path, IReadOnlyList<MetricsRecord> records)
    {
        const int W = 800, H = 400, L = 60, R = 20, T = 30, B = 40, FidH = 300;
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var evals = records.Where(r => r.Quality != null).ToList();
        int total = evals.Count > 0 ? H + FidH : H;
        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{total}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.Append(inv, $"<text x=\"{W / 2}\" y=\"18\" text-anchor=\"middle\">Generator and discriminator loss during training</text>\n");
        var pts = records.Where(r => float.IsFinite(r.LossD) && float.IsFinite(r.LossG)).ToList();
        if (pts.Count > 0)
        {
            double x0 = pts.Min(p => p.Iteration), x1 = Math.Max(pts.Max(p => p.Iteration), x0 + 1);
            double y0 = Math.Min(0, pts.Min(p => Math.Min(p.LossD, p.LossG))), y1 = pts.Max(p => Math.Max(p.LossD, p.LossG));
            if (y1 <= y0) y1 = y0 + 1;
            double X(double v) => L + (v - x0) / (x1 - x0) * (W - L - R);
            double Y(double v) => H - B - (v - y0) / (y1 - y0) * (H - T - B);
            sb.Append(inv, $"<line x1=\"{L}\" y1=\"{H - B}\" x2=\"{W - R}\" y2=\"{H - B}\" stroke=\"black\"/>\n");
            sb.Append(inv, $"<line x1=\"{L}\" y1=\"{T}\" x2=\"{L}\" y2=\"{H - B}\" stroke=\"black\"/>\n");
            for (int i = 0; i <= 4; i++)
            {
                double yv = y0 + (y1 - y0) * i / 4, xv = x0 + (x1 - x0) * i / 4;
                sb.Append(inv, $"<text x=\"{L - 5}\" y=\"{Y(yv) + 4:F1}\" text-anchor=\"end\">{yv:G3}</text>\n");
                sb.Append(inv, $"<text x=\"{X(xv):F1}\" y=\"{H - B + 16}\" text-anchor=\"middle\">{xv:F0}</text>\n");
            }
            sb.Append(inv, $"<text x=\"{W / 2}\" y=\"{H - 5}\" text-anchor=\"middle\">iteration</text>\n");
            void Line(Func<MetricsRecord, float> f, string colour, string label, int row)
            {
                sb.Append(inv, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"");
                foreach (var p in pts) sb.Append(inv, $"{X(p.Iteration):F1},{Y(f(p)):F1} ");
                sb.Append("\"/>\n");
                sb.Append(inv, $"<text x=\"{W - R - 60}\" y=\"{T + 14 * row}\" fill=\"{colour}\">{label}</text>\n");
            }
            Line(p => p.LossD, "#1f77b4", "Loss_D", 1);
            Line(p => p.LossG, "#ff7f0e", "Loss_G", 2);
        }
        if (evals.Count > 0) FidPanel(sb, evals, H, W, FidH, L, R, T, B);
        sb.Append("</svg>\n");
        string temp = path + ".tmp";
        File.WriteAllText(temp, sb.ToString());
        File.Move(temp, path, overwrite: true);
    }

    static void FidPanel(StringBuilder sb, List<MetricsRecord> evals, int top, int W, int H, int L, int R, int T, int B)
    {
        var inv = CultureInfo.InvariantCulture;
        int n = evals[0].Quality!.Samples;
        sb.Append(inv, $"<text x=\"{W / 2}\" y=\"{top + 18}\" text-anchor=\"middle\">FID ({n} samples against the held-out digits; lower is better)</text>\n");
        var values = evals.SelectMany(e => new[] { e.Quality!.Fid, e.QualityEma?.Fid ?? double.NaN }).Where(double.IsFinite).ToList();
        double x0 = evals.Min(p => p.Iteration), x1 = Math.Max(evals.Max(p => p.Iteration), x0 + 1);
        double y0 = 0, y1 = Math.Max(values.Max(), 1);
        double X(double v) => L + (v - x0) / (x1 - x0) * (W - L - R);
        double Y(double v) => top + H - B - (v - y0) / (y1 - y0) * (H - T - B);
        sb.Append(inv, $"<line x1=\"{L}\" y1=\"{top + H - B}\" x2=\"{W - R}\" y2=\"{top + H - B}\" stroke=\"black\"/>\n");
        sb.Append(inv, $"<line x1=\"{L}\" y1=\"{top + T}\" x2=\"{L}\" y2=\"{top + H - B}\" stroke=\"black\"/>\n");
        for (int i = 0; i <= 4; i++)
        {
            double yv = y0 + (y1 - y0) * i / 4, xv = x0 + (x1 - x0) * i / 4;
            sb.Append(inv, $"<text x=\"{L - 5}\" y=\"{Y(yv) + 4:F1}\" text-anchor=\"end\">{yv:G4}</text>\n");
            sb.Append(inv, $"<text x=\"{X(xv):F1}\" y=\"{top + H - B + 16}\" text-anchor=\"middle\">{xv:F0}</text>\n");
        }
        void Curve(Func<MetricsRecord, double?> f, string colour, string label, int row)
        {
            var pts = evals.Where(e => f(e) is double v && double.IsFinite(v)).ToList();
            if (pts.Count == 0) return;
            sb.Append(inv, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"");
            foreach (var p in pts) sb.Append(inv, $"{X(p.Iteration):F1},{Y(f(p)!.Value):F1} ");
            sb.Append("\"/>\n");
            foreach (var p in pts) sb.Append(inv, $"<circle cx=\"{X(p.Iteration):F1}\" cy=\"{Y(f(p)!.Value):F1}\" r=\"2.5\" fill=\"{colour}\"/>\n");
            sb.Append(inv, $"<text x=\"{W - R - 60}\" y=\"{top + T + 14 * row}\" fill=\"{colour}\">{label}</text>\n");
        }
        Curve(e => e.Quality?.Fid, "#2ca02c", "FID G", 1);
        Curve(e => e.QualityEma?.Fid, "#d62728", "FID G_ema", 2);
    }
}
