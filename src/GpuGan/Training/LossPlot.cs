using System.Globalization;
using System.Text;

namespace GpuGan.Training;

/// <summary>Loss_D and Loss_G against iterations as a standalone SVG (no plotting dependency; opens in any browser).</summary>
public static class LossPlot
{
    public static void Save(string path, IReadOnlyList<MetricsRecord> records)
    {
        const int W = 800, H = 400, L = 60, R = 20, T = 30, B = 40;
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\">\n");
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
        sb.Append("</svg>\n");
        string temp = path + ".tmp";
        File.WriteAllText(temp, sb.ToString());
        File.Move(temp, path, overwrite: true);
    }
}
