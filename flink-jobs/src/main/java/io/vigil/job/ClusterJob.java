package io.vigil.job;

import io.vigil.common.config.Durations;
import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.SiteLoader;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job's entry class on a Flink cluster (standalone, Kubernetes operator, YARN; see docs/deploy.md): the
 * composition root when the cluster, not Vigil, owns the runtime. Program arguments become a {@link JobConfig};
 * the cluster's configuration decides checkpoint storage, state backend and restart strategy, because they belong
 * to where the job runs (a shared file system, the operator's HA setup), not to the job.
 *
 * <p>Arguments ({@code --name value}; left out keep {@link JobConfig#defaults()}, except parallelism, which
 * defaults to the cluster's or the submitter's): {@code --kafka --consumer-group --influx-url --influx-db
 * --mqtt-url --alertmanager-url --rules --site --parallelism --checkpoint-interval --out-of-orderness --idleness --buffer-timeout
 * --settle --influx-batch-size --influx-flush-interval}. Durations are written as everywhere in Vigil ({@link Durations}): {@code 500ms}, {@code 2s}, {@code 1m}.
 */
public final class ClusterJob {
    static final String JOB_NAME = "vigil";

    private ClusterJob() {}

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobConfig config = config(args, env.getParallelism());
        RuleSet rules = RulesLoader.load(config.rulesFile());
        env.setParallelism(config.parallelism());
        // exactly-once: vigil.alerts is committed with each checkpoint, so a failover replays nothing twice
        env.enableCheckpointing(config.checkpointInterval().toMillis());
        env.setBufferTimeout(config.bufferTimeout().toMillis());
        Site site = config.siteFile() == null ? null : SiteLoader.load(config.siteFile());
        JobApplication.addPipeline(env, config, rules, site);
        env.execute(JOB_NAME);
    }

    /**
     * The validated config the arguments describe; throws {@link IllegalArgumentException} naming an unknown
     * argument or a bad value.
     *
     * @param defaultParallelism used when no {@code --parallelism} is given
     */
    static JobConfig config(String[] args, int defaultParallelism) {
        Map<String, String> p = arguments(args);
        JobConfig.Builder b = JobConfig.defaults().toBuilder().webUiPort(0).parallelism(defaultParallelism);
        set(p, "kafka", Function.identity(), b::kafkaBootstrap);
        set(p, "consumer-group", Function.identity(), b::consumerGroup);
        set(p, "influx-url", Function.identity(), b::influxUrl);
        set(p, "influx-db", Function.identity(), b::influxDatabase);
        set(p, "mqtt-url", Function.identity(), b::mqttUrl);
        set(p, "alertmanager-url", Function.identity(), b::alertmanagerUrl);
        set(p, "rules", Path::of, b::rulesFile);
        set(p, "site", Path::of, b::siteFile);
        set(p, "parallelism", ClusterJob::integer, b::parallelism);
        set(p, "checkpoint-interval", ClusterJob::duration, b::checkpointInterval);
        set(p, "out-of-orderness", ClusterJob::duration, b::maxOutOfOrderness);
        set(p, "idleness", ClusterJob::duration, b::idleness);
        set(p, "buffer-timeout", ClusterJob::duration, b::bufferTimeout);
        set(p, "settle", ClusterJob::duration, b::settle);
        set(p, "influx-batch-size", ClusterJob::integer, b::influxBatchSize);
        set(p, "influx-flush-interval", ClusterJob::duration, b::influxFlushInterval);
        if (!p.isEmpty()) {
            throw new IllegalArgumentException("job arguments: unknown " + p.keySet().stream().map(n -> "--" + n).toList());
        }
        return b.build().validate();
    }

    /** {@code --name value} pairs in order. */
    private static Map<String, String> arguments(String[] args) {
        Map<String, String> named = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || args[i].length() == 2) {
                throw new IllegalArgumentException("job arguments: expected --name value, found \"" + args[i] + "\"");
            }
            String name = args[i].substring(2);
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("job arguments: --" + name + " needs a value");
            }
            if (named.put(name, args[i + 1]) != null) {
                throw new IllegalArgumentException("job arguments: --" + name + " given twice");
            }
        }
        return named;
    }

    /** Applies and removes argument {@code name}, so what is left at the end is unknown. */
    private static <T> void set(Map<String, String> p, String name, Function<String, T> parse,
                                Function<T, JobConfig.Builder> setter) {
        String text = p.remove(name);
        if (text == null) {
            return;
        }
        try {
            setter.apply(parse.apply(text));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("job arguments: --" + name + " " + text + ": " + e.getMessage(), e);
        }
    }

    private static int integer(String text) {
        return Integer.parseInt(text.trim());
    }

    private static Duration duration(String text) {
        return Durations.parse(text);
    }
}
