// Latency quantiles from the service's Prometheus histogram; see ChatBench.java.

import module java.base;

/** A latency histogram of one URI: the difference of two scrapes of the service's buckets. */
record Histogram(TreeMap<Double, Double> cumulative) {
    static final Pattern LINE =
            Pattern.compile("^http_server_requests_seconds_bucket\\{(.*)\\}\\s+(\\S+)");
    static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static TreeMap<Double, Double> buckets(List<String> lines, String uri) {
        var out = new TreeMap<Double, Double>();
        for (var line : lines) {
            var m = LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            var labels = new HashMap<String, String>();
            var l = LABEL.matcher(m.group(1));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            var u = labels.getOrDefault("uri", "");
            var matches = uri.startsWith("/actuator/health") ? u.startsWith("/actuator/health") : u.equals(uri);
            if (!matches) {
                continue;
            }
            var le = labels.get("le");
            var bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
            out.merge(bound, Double.parseDouble(m.group(2)), Double::sum);
        }
        return out;
    }

    static Histogram delta(List<String> before, List<String> after, String uri) {
        var a = buckets(before, uri);
        var b = buckets(after, uri);
        var out = new TreeMap<Double, Double>();
        b.forEach((le, count) -> out.put(le, count - a.getOrDefault(le, 0.0)));
        return new Histogram(out);
    }

    long count() {
        return cumulative.isEmpty() ? 0 : Math.round(cumulative.lastEntry().getValue());
    }

    /** Linear interpolation inside the bucket that holds the quantile, in milliseconds. */
    String quantileText(double q) {
        var total = count();
        if (total == 0) {
            return "–";
        }
        var rank = q * total;
        var lower = 0.0;
        var below = 0.0;
        for (var entry : cumulative.entrySet()) {
            if (entry.getValue() >= rank) {
                if (entry.getKey().isInfinite()) {
                    return String.format(Locale.ROOT, "> %.0f", lower * 1000);
                }
                var inBucket = entry.getValue() - below;
                var fraction = inBucket <= 0 ? 1 : (rank - below) / inBucket;
                return String.format(Locale.ROOT, "%.1f", (lower + fraction * (entry.getKey() - lower)) * 1000);
            }
            lower = entry.getKey();
            below = entry.getValue();
        }
        return "–";
    }
}
