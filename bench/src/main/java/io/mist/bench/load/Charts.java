package io.mist.bench.load;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Locale;

/**
 * Renders a run's chart as SVG, by hand (no plotting library): a latency percentile plot (x: percentile on the usual
 * 1/(1-p) scale up to 99.999 %, y: latency on a log scale) for latency runs, and bars of delivered messages per
 * second for throughput runs. Stateless.
 */
final class Charts
{
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
    private static final int WIDTH = 720;
    private static final int HEIGHT = 420;
    private static final int LEFT = 80;
    private static final int RIGHT = 140;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;
    private static final double MAX_NINES = 5; // 99.999 %

    private Charts()
    {
    }

    static String percentilePlot(final String title, final List<RunResult> results)
    {
        final StringBuilder svg = open(title);
        double maxMicros = 1;
        double minMicros = Double.MAX_VALUE;
        for (final RunResult result : results)
        {
            if (result.latency() != null && result.latency().getTotalCount() > 0)
            {
                maxMicros = Math.max(maxMicros, result.latency().getMaxValue() / 1000.0);
                minMicros = Math.min(minMicros, Math.max(1, result.latency().getMinValue()) / 1000.0);
            }
        }
        final double low = Math.floor(Math.log10(Math.max(0.1, minMicros)));
        final double high = Math.ceil(Math.log10(maxMicros * 1.01));
        final int plotWidth = WIDTH - LEFT - RIGHT;
        final int plotHeight = HEIGHT - TOP - BOTTOM;
        for (int nines = 0; nines <= MAX_NINES; nines++)
        {
            final double x = LEFT + plotWidth * nines / MAX_NINES;
            final String label = nines == 0 ? "0%" : nines == 1 ? "90%" : nines == 2 ? "99%" :
                "99." + "9".repeat(nines - 2) + "%";
            svg.append(line(x, TOP, x, TOP + plotHeight, "#ddd"));
            svg.append(text(x, TOP + plotHeight + 18, label, "middle"));
        }
        for (double decade = low; decade <= high; decade++)
        {
            final double y = TOP + plotHeight - plotHeight * (decade - low) / Math.max(1, high - low);
            svg.append(line(LEFT, y, LEFT + plotWidth, y, "#ddd"));
            svg.append(text(LEFT - 6, y + 4, formatMicros(Math.pow(10, decade)), "end"));
        }
        svg.append(text(LEFT + plotWidth / 2.0, HEIGHT - 15, "percentile", "middle"));
        svg.append(text(18, TOP + plotHeight / 2.0, "latency from intended send time", "middle", -90));
        int series = 0;
        for (final RunResult result : results)
        {
            final Histogram histogram = result.latency();
            if (histogram == null || histogram.getTotalCount() == 0)
            {
                continue;
            }
            final String colour = COLOURS[series % COLOURS.length];
            final StringBuilder points = new StringBuilder();
            for (int step = 0; step <= 200; step++)
            {
                final double nines = MAX_NINES * step / 200;
                final double percentile = 100 * (1 - Math.pow(10, -nines));
                final double micros = Math.max(Math.pow(10, low), histogram.getValueAtPercentile(percentile) / 1000.0);
                final double x = LEFT + plotWidth * nines / MAX_NINES;
                final double y = TOP + plotHeight - plotHeight * (Math.log10(micros) - low) / Math.max(1, high - low);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"")
                .append(points.toString().trim()).append("\"/>\n");
            legend(svg, series, colour, result.broker());
            series++;
        }
        return close(svg);
    }

    static String throughputBars(final String title, final List<RunResult> results)
    {
        final StringBuilder svg = open(title);
        double max = 1;
        for (final RunResult result : results)
        {
            max = Math.max(max, result.delivered());
        }
        final int plotWidth = WIDTH - LEFT - RIGHT;
        final int plotHeight = HEIGHT - TOP - BOTTOM;
        final double slot = plotWidth / (double)Math.max(1, results.size());
        for (int i = 0; i <= 4; i++)
        {
            final double y = TOP + plotHeight - plotHeight * i / 4.0;
            svg.append(line(LEFT, y, LEFT + plotWidth, y, "#ddd"));
            svg.append(text(LEFT - 6, y + 4, formatRate(max * i / 4), "end"));
        }
        svg.append(text(18, TOP + plotHeight / 2.0, "deliveries / s", "middle", -90));
        for (int i = 0; i < results.size(); i++)
        {
            final RunResult result = results.get(i);
            final double x = LEFT + slot * i + slot * 0.2;
            final double barHeight = plotHeight * result.delivered() / max;
            svg.append(String.format(Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n", x,
                TOP + plotHeight - barHeight, slot * 0.6, barHeight, COLOURS[i % COLOURS.length]));
            svg.append(text(x + slot * 0.3, TOP + plotHeight + 18, result.broker(), "middle"));
            svg.append(text(x + slot * 0.3, TOP + plotHeight - barHeight - 6,
                result.ran() ? formatRate(result.delivered()) : "n/a", "middle"));
        }
        return close(svg);
    }

    private static void legend(final StringBuilder svg, final int series, final String colour, final String name)
    {
        final double y = TOP + 10 + series * 20;
        svg.append(line(WIDTH - RIGHT + 15, y, WIDTH - RIGHT + 40, y, colour).replace("stroke-width=\"1\"",
            "stroke-width=\"3\""));
        svg.append(text(WIDTH - RIGHT + 46, y + 4, name, "start"));
    }

    private static StringBuilder open(final String title)
    {
        final StringBuilder svg = new StringBuilder(8192);
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" " +
            "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
            WIDTH, HEIGHT));
        svg.append(text(WIDTH / 2.0, 22, title, "middle").replace("font-size=\"12\"", "font-size=\"14\""));
        return svg;
    }

    private static String close(final StringBuilder svg)
    {
        return svg.append("</svg>\n").toString();
    }

    private static String line(final double x1, final double y1, final double x2, final double y2, final String colour)
    {
        return String.format(Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"/>%n",
            x1, y1, x2, y2, colour);
    }

    private static String text(final double x, final double y, final String text, final String anchor)
    {
        return text(x, y, text, anchor, 0);
    }

    private static String text(final double x, final double y, final String text, final String anchor,
        final int rotate)
    {
        final String transform = rotate == 0 ? "" :
            String.format(Locale.ROOT, " transform=\"rotate(%d %.1f %.1f)\"", rotate, x, y);
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"12\"%s>%s</text>%n",
            x, y, anchor, transform, text.replace("&", "&amp;").replace("<", "&lt;"));
    }

    static String formatMicros(final double micros)
    {
        return micros >= 1000 ? String.format(Locale.ROOT, micros >= 10_000 ? "%.0f ms" : "%.1f ms", micros / 1000) :
            String.format(Locale.ROOT, micros >= 1 ? "%.0f µs" : "%.1f µs", micros);
    }

    static String formatRate(final double perSecond)
    {
        if (perSecond >= 1e6)
        {
            return String.format(Locale.ROOT, "%.2f M", perSecond / 1e6);
        }
        if (perSecond >= 1e3)
        {
            return String.format(Locale.ROOT, "%.1f k", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }
}
