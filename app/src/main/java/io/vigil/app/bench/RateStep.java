package io.vigil.app.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * One rung of a rate ladder: what was published at {@code targetRate} and what arrived at the far end (messages
 * counted by a subscriber, or points found in InfluxDB). {@code drained} is how long after the last PUBACK the
 * far end took to count everything, or null if it never did, even given {@link #LATE} beyond the {@code grace}; a
 * step drained after its grace was not loss-free (the far end fell behind) but lost nothing either. {@code alerts} counts threshold
 * alerts the far end raised (-1 where it raises none); {@code check} is an extra consistency problem of the far end
 * (e.g. missing threshold alerts), or null. {@code serverCores} is how many cores the system under test (broker or
 * Node-RED) kept busy from the first reading until the far end had counted everything.
 */
public record RateStep(double targetRate, Published published, long arrived, Duration drained, Duration grace,
                       long alerts, String check, double serverCores) {
    /** How long past the grace a far end that fell behind is still watched, to tell lag from loss. */
    public static final Duration LATE = Duration.ofSeconds(30);
    /** Below this share of the target rate the publisher, not the system under test, set the pace. */
    static final double PUBLISHER_KEPT_UP = 0.9;

    /** Every reading acknowledged, every one arrived, nothing extra, and the far end's own check passed. */
    public boolean lossFree() {
        return published.failed() == 0 && published.acknowledged() == published.sent()
                && arrived == published.acknowledged() && drainedInTime() && check == null;
    }

    private boolean drainedInTime() {
        return drained != null && drained.compareTo(grace) <= 0;
    }

    /** The publisher fell short of the target rate, so this step did not load the far end as asked. */
    public boolean publisherBound() {
        return published.achievedRate() < PUBLISHER_KEPT_UP * targetRate;
    }

    static String header() {
        return String.format(Locale.ROOT, "%10s %10s %10s %10s %7s %10s %9s %7s %6s  %s",
                "target/s", "achieved/s", "sent", "acked", "failed", "arrived", "drain ms", "alerts", "cores", "verdict");
    }

    String row() {
        String verdict = lossFree() ? "loss-free"
                : lost() ? "LOSS (" + lossSummary() + ")"
                : "BEHIND (all arrived, but " + drained.toMillis() + " ms after the last PUBACK; grace " + grace.toMillis()
                        + " ms" + (check == null ? "" : "; " + check) + ")";
        if (publisherBound()) {
            verdict += ", publisher below target";
        }
        return String.format(Locale.ROOT, "%10.0f %10.0f %10d %10d %7d %10d %9s %7s %6.2f  %s", targetRate,
                published.achievedRate(), published.sent(), published.acknowledged(), published.failed(), arrived,
                drained == null ? "-" : Long.toString(drained.toMillis()), alerts < 0 ? "-" : Long.toString(alerts),
                serverCores, verdict);
    }

    /** Something never arrived, was refused, or arrived twice; as opposed to arriving late. */
    private boolean lost() {
        return published.failed() > 0 || published.acknowledged() != published.sent()
                || arrived != published.acknowledged() || drained == null || (check != null && drainedInTime());
    }

    private String lossSummary() {
        StringBuilder why = new StringBuilder();
        if (published.failed() > 0 || published.acknowledged() != published.sent()) {
            why.append(published.sent() - published.acknowledged()).append(" unacknowledged");
        }
        if (arrived < published.acknowledged()) {
            append(why, (published.acknowledged() - arrived) + " acknowledged but not arrived " + grace.plus(LATE).toSeconds()
                    + " s after the last PUBACK");
        } else if (arrived > published.acknowledged()) {
            append(why, (arrived - published.acknowledged()) + " more arrived than were acknowledged");
        }
        if (check != null) {
            append(why, check);
        }
        if (why.isEmpty()) {
            why.append("not drained in time");
        }
        return why.toString();
    }

    private static void append(StringBuilder b, String s) {
        b.append(b.isEmpty() ? "" : "; ").append(s);
    }
}
