package io.vigil.job;

import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.SiteLoader;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job's entry class on a Flink cluster (standalone, Kubernetes operator, YARN; see docs/deploy.md): the
 * composition root when the cluster, not Vigil, owns the runtime. Program arguments become a {@link JobConfig};
 * the cluster's configuration decides checkpoint storage, state backend and restart strategy, because they belong
 * to where the job runs (a shared file system, the operator's HA setup), not to the job.
 *
 * <p>Arguments: {@code --name value} for each option of {@link JobOptions} in scope {@link JobOption.Scope#JOB},
 * read by the option's own declaration (durations as everywhere in Vigil: {@code 500ms}, {@code 2s}, {@code 1m});
 * left out keep its default, except parallelism, which defaults to the cluster's or the submitter's.
 */
public final class ClusterJob {
    static final String JOB_NAME = "vigil";

    private ClusterJob() {}

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobConfig config = config(args, env.getParallelism());
        RuleSet rules = RulesLoader.load(config.get(JobOptions.RULES));
        env.setParallelism(config.get(JobOptions.PARALLELISM));
        // exactly-once: vigil.alerts is committed with each checkpoint, so a failover replays nothing twice
        env.enableCheckpointing(config.get(JobOptions.CHECKPOINT_INTERVAL).toMillis());
        env.setBufferTimeout(config.get(JobOptions.BUFFER_TIMEOUT).toMillis());
        Path siteFile = config.get(JobOptions.SITE);
        Site site = siteFile == null ? null : SiteLoader.load(siteFile);
        JobApplication.addPipeline(env, config, rules, site);
        env.execute(JOB_NAME);
    }

    /**
     * The config the arguments describe; throws {@link IllegalArgumentException} naming an unknown argument or the
     * option whose value is bad.
     *
     * @param defaultParallelism used when no {@code --parallelism} is given
     */
    public static JobConfig config(String[] args, int defaultParallelism) {
        JobConfig config = JobConfig.defaults().with(JobOptions.PARALLELISM, defaultParallelism);
        Set<String> seen = new HashSet<>();
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || args[i].length() == 2) {
                throw new IllegalArgumentException("job arguments: expected --name value, found \"" + args[i] + "\"");
            }
            String name = args[i].substring(2);
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("job arguments: --" + name + " needs a value");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("job arguments: --" + name + " given twice");
            }
            JobOption<?> option = JobOptions.named(name);
            if (option == null || option.scope() != JobOption.Scope.JOB) {
                unknown.add("--" + name);
            } else {
                config = read(config, option, args[i + 1]);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("job arguments: unknown " + unknown);
        }
        return config;
    }

    /** The arguments {@link #config} reads back as {@code config}: each cluster option that is not at its default. */
    public static List<String> arguments(JobConfig config) {
        List<String> args = new ArrayList<>();
        for (JobOption<?> option : JobOptions.all()) {
            if (option.scope() == JobOption.Scope.JOB) {
                addIfChanged(args, config, option);
            }
        }
        return args;
    }

    private static <T> void addIfChanged(List<String> args, JobConfig config, JobOption<T> option) {
        T value = config.get(option);
        if (value != null && !value.equals(option.defaultValue())) {
            args.addAll(option.arguments(value));
        }
    }

    private static <T> JobConfig read(JobConfig config, JobOption<T> option, String text) {
        return config.with(option, option.read(text));
    }
}
