package io.vigil.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time and resident memory of one process, read from Linux's {@code /proc}: what the benchmark reports per
 * process (gateway, job, servers) without any agent inside them.
 *
 * @param cpuTicks user + system CPU time in clock ticks (USER_HZ, 100 per second on Linux)
 * @param rssKb    resident set size in KiB
 */
public record ProcessUsage(long cpuTicks, long rssKb) {
    /** Linux exports /proc times in USER_HZ, which is 100 regardless of the kernel's own tick rate. */
    static final double TICKS_PER_SECOND = 100;

    /** The process's usage now, or null if it has gone (or this is not Linux). */
    public static ProcessUsage of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // the command name in parentheses may hold spaces: fields are counted after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14 and 15 of stat
            long rss = 0;
            List<String> status = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"));
            for (String line : status) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return new ProcessUsage(ticks, rss);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** CPU use between {@code before} and this sample over {@code seconds} of wall time, in % of one core. */
    public double cpuPercentSince(ProcessUsage before, double seconds) {
        return seconds <= 0 ? 0 : (cpuTicks - before.cpuTicks) / TICKS_PER_SECOND / seconds * 100;
    }
}
