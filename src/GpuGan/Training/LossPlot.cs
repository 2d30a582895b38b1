using System.Globalization;
using System.Text;
using GpuGan.Data;

namespace GpuGan.Training;

/// <summary>Loss_D and Loss_G against iterations as a standalone SVG (no plotting dependency; opens in any browser), and
/// below them, when the run evaluated sample quality, FID of G (and G_ema) against iterations.</summary>
public static class LossPlot
{
    const int W = 800, LossH = 400, FidH = 300, L = 60, R = 20, T = 30, B = 40;
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Save(string path, IReadOnlyList<MetricsRecord> records)
    {
        var sb = new StringBuilder();
        var losses = records.Where(r => float.IsFinite(r.LossD) && float.IsFinite(r.LossG)).ToList();
        var evals = records.Where(r => r.Quality != null).ToList();
        int height = evals.Count > 0 ? LossH + FidH : LossH;
        sb.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        if (losses.Count == 0)
            sb.Append(Inv, $"<text x=\"{W / 2}\" y=\"18\" text-anchor=\"middle\">Generator and discriminator loss during training</text>\n");
        else
        {
            var panel = new Panel(sb, 0, LossH, "Generator and discriminator loss during training", losses.Select(p => (double)p.Iteration),
                losses.SelectMany(p => new double[] { p.LossD, p.LossG }).Append(0));
            panel.Curve(losses, p => p.LossD, "#1f77b4", "Loss_D", 1, dots: false);
            panel.Curve(losses, p => p.LossG, "#ff7f0e", "Loss_G", 2, dots: false);
        }
        if (evals.Count > 0)
        {
            var fids = evals.SelectMany(e => new[] { e.Quality!.Fid, e.QualityEma?.Fid ?? double.NaN }).Where(double.IsFinite).Append(0);
            var panel = new Panel(sb, LossH, FidH, $"FID ({evals[0].Quality!.Samples} samples against the held-out digits; lower is better)",
                evals.Select(e => (double)e.Iteration), fids);
            panel.Curve(evals, e => e.Quality?.Fid, "#2ca02c", "FID G", 1, dots: true);
            panel.Curve(evals, e => e.QualityEma?.Fid, "#d62728", "FID G_ema", 2, dots: true);
        }
        sb.Append("</svg>\n");
        AtomicFile.Write(path, fs => fs.Write(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>One plot: a title, axes with five ticks each from the data's range, and curves against iteration.</summary>
    sealed class Panel
    {
        readonly StringBuilder sb;
        readonly int top, height;
        readonly double x0, x1, y0, y1;

        public Panel(StringBuilder sb, int top, int height, string title, IEnumerable<double> xs, IEnumerable<double> ys)
        {
            this.sb = sb;
            this.top = top;
            this.height = height;
            x0 = xs.Min();
            x1 = Math.Max(xs.Max(), x0 + 1);
            y0 = ys.Min();
            y1 = ys.Max();
            if (y1 <= y0) y1 = y0 + 1;
            sb.Append(Inv, $"<text x=\"{W / 2}\" y=\"{top + 18}\" text-anchor=\"middle\">{title}</text>\n");
            sb.Append(Inv, $"<line x1=\"{L}\" y1=\"{top + height - B}\" x2=\"{W - R}\" y2=\"{top + height - B}\" stroke=\"black\"/>\n");
            sb.Append(Inv, $"<line x1=\"{L}\" y1=\"{top + T}\" x2=\"{L}\" y2=\"{top + height - B}\" stroke=\"black\"/>\n");
            for (int i = 0; i <= 4; i++)
            {
                double yv = y0 + (y1 - y0) * i / 4, xv = x0 + (x1 - x0) * i / 4;
                sb.Append(Inv, $"<text x=\"{L - 5}\" y=\"{Y(yv) + 4:F1}\" text-anchor=\"end\">{yv:G4}</text>\n");
                sb.Append(Inv, $"<text x=\"{X(xv):F1}\" y=\"{top + height - B + 16}\" text-anchor=\"middle\">{xv:F0}</text>\n");
            }
            sb.Append(Inv, $"<text x=\"{W / 2}\" y=\"{top + height - 5}\" text-anchor=\"middle\">iteration</text>\n");
        }

        double X(double v) => L + (v - x0) / (x1 - x0) * (W - L - R);
        double Y(double v) => top + height - B - (v - y0) / (y1 - y0) * (height - T - B);

        public void Curve(IEnumerable<MetricsRecord> records, Func<MetricsRecord, double?> value, string colour, string label, int row, bool dots)
        {
            var pts = records.Where(r => value(r) is double v && double.IsFinite(v)).Select(r => (X(r.Iteration), Y(value(r)!.Value))).ToList();
            if (pts.Count == 0) return;
            sb.Append(Inv, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"");
            foreach (var (x, y) in pts) sb.Append(Inv, $"{x:F1},{y:F1} ");
            sb.Append("\"/>\n");
            if (dots) foreach (var (x, y) in pts) sb.Append(Inv, $"<circle cx=\"{x:F1}\" cy=\"{y:F1}\" r=\"2.5\" fill=\"{colour}\"/>\n");
            sb.Append(Inv, $"<text x=\"{W - R - 60}\" y=\"{top + T + 14 * row}\" fill=\"{colour}\">{label}</text>\n");
        }
    }
}
