package io.weft.bench.macro;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One PNG per workload: a panel per charted metric, side by side, each with a bar per peer
 * (the median of its rounds) and a whisker from the lowest round to the highest. Weft's bars,
 * the competitors' and the C floor's have their own colours.
 */
final class Charts {
    private static final Color WEFT = new Color(0x2E, 0x6F, 0xDB);
    private static final Color PEER = new Color(0xF2, 0xA9, 0x3B);
    private static final Color FLOOR = new Color(0xA0, 0xA0, 0xA0);
    private static final int PANEL_WIDTH = 620;
    private static final int PANEL_HEIGHT = 460;

    private Charts() {
    }

    /** Writes {@code <workload>.png} into {@code dir}; returns its name, or null with nothing to draw. */
    static String write(Tally tally, Workload w, Path dir) throws IOException {
        List<Peer> peers = tally.measured(w);
        if (peers.isEmpty()) {
            return null;
        }
        List<BufferedImage> panels = new ArrayList<>();
        for (Metric m : Metric.charted(w.kind())) {
            panels.add(BitmapEncoder.getBufferedImage(panel(tally, w, peers, m)));
        }
        // One row of up to three panels; four go in two rows of two, so the picture stays readable.
        int columns = panels.size() == 4 ? 2 : panels.size();
        int rows = (panels.size() + columns - 1) / columns;
        BufferedImage all = new BufferedImage(PANEL_WIDTH * columns, PANEL_HEIGHT * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        for (int i = 0; i < panels.size(); i++) {
            g.drawImage(panels.get(i), (i % columns) * PANEL_WIDTH, (i / columns) * PANEL_HEIGHT, null);
        }
        g.dispose();
        String name = w.name() + ".png";
        ImageIO.write(all, "png", dir.resolve(name).toFile());
        return name;
    }

    private static CategoryChart panel(Tally tally, Workload w, List<Peer> peers, Metric m) {
        String better = switch (m.better) {
            case HIGHER -> " (higher is better)";
            case LOWER -> " (lower is better)";
            case NEITHER -> "";
        };
        CategoryChart chart = new CategoryChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT)
                .title(w.name() + ": " + m.label + better).yAxisTitle(m.label).build();
        var styler = chart.getStyler();
        styler.setOverlapped(true); // the series below never share a category, so bars stay full width
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setLegendBorderColor(Color.WHITE);
        styler.setXAxisLabelRotation(35);
        styler.setErrorBarsColor(Color.BLACK);
        styler.setYAxisMin(0.0);
        styler.setAvailableSpaceFill(0.7);
        styler.setChartTitleFont(styler.getChartTitleFont().deriveFont(14f));

        double top = peers.stream().mapToDouble(p -> tally.stats(w, p.name(), m).max()).filter(d -> !Double.isNaN(d))
                .max().orElse(0);
        double topMedian = peers.stream().mapToDouble(p -> tally.stats(w, p.name(), m).median())
                .filter(d -> !Double.isNaN(d)).max().orElse(0);
        // One wild round must not flatten every bar: past three times the largest median the axis
        // stops, the whiskers that go further run off the top, and the title says so.
        if (topMedian > 0 && top > 3 * topMedian) {
            styler.setYAxisMax(3 * topMedian);
            chart.setTitle(chart.getTitle() + ", axis cut at 3× top median");
            top = 3 * topMedian;
        }
        styler.setYAxisDecimalPattern(top >= 100 ? "#,##0" : top >= 1 ? "#,##0.0#" : "0.0##");

        List<String> names = peers.stream().map(Peer::name).toList();
        List<Double> weft = new ArrayList<>();
        List<Double> others = new ArrayList<>();
        List<Double> floor = new ArrayList<>();
        List<Double> middle = new ArrayList<>();
        List<Double> halfRange = new ArrayList<>();
        for (Peer p : peers) {
            Stats s = tally.stats(w, p.name(), m);
            double median = Double.isNaN(s.median()) ? 0 : s.median();
            weft.add(p.weft() ? median : null);
            floor.add(p.baseline() ? median : null);
            others.add(!p.weft() && !p.baseline() ? median : null);
            // XChart's error bars are symmetric; centred between min and max, they span exactly min..max.
            middle.add(Double.isNaN(s.min()) ? 0 : (s.min() + s.max()) / 2);
            halfRange.add(Double.isNaN(s.min()) ? 0 : (s.max() - s.min()) / 2);
        }
        add(chart, "Weft", names, weft, WEFT);
        add(chart, "peers", names, others, PEER);
        add(chart, "C floor (not a peer)", names, floor, FLOOR);
        CategorySeries whiskers = chart.addSeries("min–max of rounds", names, middle, halfRange);
        whiskers.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        whiskers.setMarker(SeriesMarkers.NONE);
        whiskers.setLineColor(Color.BLACK);
        return chart;
    }

    private static void add(CategoryChart chart, String name, List<String> x, List<Double> y, Color color) {
        if (y.stream().allMatch(v -> v == null)) {
            return;
        }
        chart.addSeries(name, x, y).setFillColor(color);
    }
}
