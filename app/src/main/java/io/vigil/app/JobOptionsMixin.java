package io.vigil.app;

import io.vigil.job.JobConfig;
import io.vigil.job.JobOption;
import io.vigil.job.JobOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * The job's options on a command line, made from their one declaration ({@link JobOptions}): name, description,
 * default and check come from there, and each text is read by the option itself, as {@link io.vigil.job.ClusterJob}
 * reads it on a cluster. A picocli mixin; a command takes {@link Embedded} or {@link Submitted}.
 */
abstract class JobOptionsMixin {
    private final Map<JobOption<?>, Object> given = new LinkedHashMap<>();

    /** {@code base} with every option given on the command line. */
    JobConfig applyTo(JobConfig base) {
        JobConfig config = base;
        for (Map.Entry<JobOption<?>, Object> e : given.entrySet()) {
            config = with(config, e.getKey(), e.getValue());
        }
        return config;
    }

    boolean given(JobOption<?> option) {
        return given.containsKey(option);
    }

    /** The option's value as given, else its default. */
    <T> T get(JobOption<T> option) {
        return given(option) ? option.type().cast(given.get(option)) : option.defaultValue();
    }

    /** Each option given on the command line as it would be given again, for a job started as a child process. */
    List<String> arguments(Predicate<JobOption<?>> which) {
        List<String> args = new ArrayList<>();
        given.forEach((option, value) -> {
            if (which.test(option)) {
                args.addAll(argumentsOf(option, value));
            }
        });
        return args;
    }

    private static <T> List<String> argumentsOf(JobOption<T> option, Object value) {
        return option.arguments(option.type().cast(value));
    }

    private static <T> JobConfig with(JobConfig config, JobOption<T> option, Object value) {
        return config.with(option, option.type().cast(value));
    }

    /** Every option: {@code vigil job}, which runs the job in an embedded MiniCluster. */
    @Command(modelTransformer = Embedded.Options.class)
    static final class Embedded extends JobOptionsMixin {
        static final class Options implements IModelTransformer {
            @Override
            public CommandSpec transform(CommandSpec spec) {
                return addOptions(spec, option -> true, Map.of(
                        JobOptions.RULES, "config/rules.yaml in the checkout",
                        JobOptions.CHECKPOINT_DIR, "$VIGIL_HOME/flink/checkpoints"));
            }
        }
    }

    /**
     * The options a Flink cluster's job reads ({@link JobOption.Scope#JOB}), except parallelism, which
     * {@code vigil cluster submit} hands the cluster itself.
     */
    @Command(modelTransformer = Submitted.Options.class)
    static final class Submitted extends JobOptionsMixin {
        static final class Options implements IModelTransformer {
            @Override
            public CommandSpec transform(CommandSpec spec) {
                return addOptions(spec,
                        option -> option.scope() == JobOption.Scope.JOB && !option.equals(JobOptions.PARALLELISM),
                        Map.of(JobOptions.RULES, "config/rules.yaml in the checkout"));
            }
        }
    }

    /** The job's tuning options, for a command that runs the job as a child process ({@code vigil bench e2e}). */
    @Command(modelTransformer = Tuning.Options.class)
    static final class Tuning extends JobOptionsMixin {
        static final Set<JobOption<?>> OPTIONS = Set.of(JobOptions.PARALLELISM, JobOptions.CHECKPOINT_INTERVAL,
                JobOptions.OUT_OF_ORDERNESS, JobOptions.BUFFER_TIMEOUT);

        static final class Options implements IModelTransformer {
            @Override
            public CommandSpec transform(CommandSpec spec) {
                return addOptions(spec, OPTIONS::contains, Map.of());
            }
        }
    }

    /** @param shownDefaults where the command's own default differs from the declared one, what help says instead */
    static CommandSpec addOptions(CommandSpec spec, Predicate<JobOption<?>> which,
                                  Map<JobOption<?>, String> shownDefaults) {
        // picocli hands the transformer the command that mixes this in, not the mixin itself
        JobOptionsMixin values = spec.mixins().values().stream().map(CommandSpec::userObject)
                .filter(JobOptionsMixin.class::isInstance).map(JobOptionsMixin.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException(spec.qualifiedName() + " does not mix in job options"));
        for (JobOption<?> option : JobOptions.all()) {
            if (which.test(option)) {
                spec.addOption(optionSpec(option, values, shownDefaults.get(option)));
            }
        }
        return spec;
    }

    private static <T> OptionSpec optionSpec(JobOption<T> option, JobOptionsMixin values, String shownDefault) {
        String shown = shownDefault != null ? shownDefault
                : option.defaultValue() != null ? option.write(option.defaultValue()) : null;
        Binding binding = new Binding(option, values);
        return OptionSpec.builder(option.flag())
                .type(option.type())
                .paramLabel(option.label())
                .description(option.description() + (shown == null ? "" : " Default: " + shown + "."))
                .converters(text -> {
                    try {
                        return option.read(text);
                    } catch (IllegalArgumentException e) {
                        // picocli names the option itself
                        throw new TypeConversionException(e.getMessage().replace("job option " + option.flag() + ": ", ""));
                    }
                })
                .getter(binding)
                .setter(binding)
                .build();
    }

    /** Where picocli keeps an option's value: in {@link #given}, only once the option is given. */
    private record Binding(JobOption<?> option, JobOptionsMixin values) implements IGetter, ISetter {
        @Override
        @SuppressWarnings("unchecked")
        public <V> V get() {
            return (V) values.given.get(option);
        }

        @Override
        public <V> V set(V value) {
            Object previous = value == null ? values.given.remove(option) : values.given.put(option, value);
            @SuppressWarnings("unchecked")
            V old = (V) previous;
            return old;
        }
    }
}
