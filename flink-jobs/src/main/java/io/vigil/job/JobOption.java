package io.vigil.job;

import io.vigil.common.config.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One setting of the job, declared once in {@link JobOptions}: its name (the command-line option without
 * {@code --}), type, default, description, how its text is read and written, and what a usable value is. The
 * launcher's options ({@code vigil job}, {@code vigil cluster submit}), {@link ClusterJob}'s program arguments and
 * {@link JobConfig} are all made from these declarations, so they read every value the same way.
 *
 * @param <T> the value's type; a null default means the setting is off unless given
 */
public final class JobOption<T> {
    /** Where an option applies: everywhere, or only in the embedded MiniCluster of {@code vigil job}. */
    public enum Scope {
        /** On a Flink cluster too: {@link ClusterJob} reads it. */
        JOB,
        /** Only {@code vigil job}: a Flink cluster's own configuration decides these (ports, checkpoint storage, metrics). */
        EMBEDDED
    }

    private final String name;
    private final Class<T> type;
    private final T defaultValue;
    private final String description;
    private final String label;
    private final Function<String, T> read;
    private final Function<T, String> write;
    private final Function<T, String> problem;
    private final Scope scope;

    private JobOption(String name, Class<T> type, T defaultValue, String description, String label,
                      Function<String, T> read, Function<T, String> write, Function<T, String> problem, Scope scope) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.description = description;
        this.label = label;
        this.read = read;
        this.write = write;
        this.problem = problem;
        this.scope = scope;
        if (defaultValue != null) {
            check(defaultValue);
        }
    }

    static JobOption<String> text(String name, String defaultValue, String description) {
        return new JobOption<>(name, String.class, defaultValue, description, "TEXT", Function.identity(),
                Function.identity(), v -> v.isBlank() ? "must not be empty" : null, Scope.JOB);
    }

    static JobOption<String> url(String name, String defaultValue, String description, String... schemes) {
        return new JobOption<>(name, String.class, defaultValue, description, "URL", Function.identity(),
                Function.identity(), v -> urlProblem(v, schemes), Scope.JOB);
    }

    /** A duration in Vigil's one grammar ({@link Durations}), at least {@code min}. */
    static JobOption<Duration> duration(String name, Duration defaultValue, Duration min, String description) {
        return new JobOption<>(name, Duration.class, defaultValue, description, "DURATION", Durations::parse,
                Durations::write, v -> v.compareTo(min) < 0 ? (v.isNegative() ? v.toString() : Durations.write(v))
                        + " must be at least " + Durations.write(min) : null, Scope.JOB);
    }

    /** A whole number from {@code min} to {@code max}. */
    static JobOption<Integer> integer(String name, Integer defaultValue, int min, int max, String description) {
        return new JobOption<>(name, Integer.class, defaultValue, description, "N", JobOption::wholeNumber,
                String::valueOf, v -> v < min || v > max ? v + " is not within " + min + ".." + max : null, Scope.JOB);
    }

    static JobOption<Path> path(String name, Path defaultValue, String description) {
        return new JobOption<>(name, Path.class, defaultValue, description, "FILE", Path::of, Path::toString,
                v -> v.toString().isBlank() ? "must not be empty" : null, Scope.JOB);
    }

    /** The same option, read only by the embedded MiniCluster of {@code vigil job}. */
    JobOption<T> embeddedOnly() {
        return new JobOption<>(name, type, defaultValue, description, label, read, write, problem, Scope.EMBEDDED);
    }

    /** The same option with another placeholder in help texts, e.g. {@code DIR}. */
    JobOption<T> label(String label) {
        return new JobOption<>(name, type, defaultValue, description, label, read, write, problem, scope);
    }

    public String name() {
        return name;
    }

    /** The option given as {@code value} on a command line: its flag, then the value as {@link #read} reads it. */
    public List<String> arguments(T value) {
        return List.of(flag(), write(value));
    }

    /** {@code --name}, as on every command line. */
    public String flag() {
        return "--" + name;
    }

    public Class<T> type() {
        return type;
    }

    /** The value when the option is not given; null: off. */
    public T defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The placeholder of the value in help texts: {@code DURATION}, {@code URL}, ... */
    public String label() {
        return label;
    }

    public Scope scope() {
        return scope;
    }

    /**
     * The checked value a command-line text stands for.
     *
     * @throws IllegalArgumentException "job option --name: ..." saying what is wrong with the text
     */
    public T read(String text) {
        T value;
        try {
            value = read.apply(text.trim());
        } catch (RuntimeException e) {
            throw invalid(e.getMessage());
        }
        return check(value);
    }

    /** The text {@link #read} turns back into {@code value}. */
    public String write(T value) {
        return write.apply(value);
    }

    /**
     * Returns {@code value} if this option may take it; null only where the option is off by default.
     *
     * @throws IllegalArgumentException "job option --name: ..." saying what is wrong
     */
    public T check(T value) {
        if (value == null) {
            if (defaultValue != null) {
                throw invalid("must be set (default " + write(defaultValue) + ")");
            }
            return null;
        }
        String wrong = problem.apply(type.cast(value));
        if (wrong != null) {
            throw invalid(wrong);
        }
        return value;
    }

    IllegalArgumentException invalid(String problem) {
        return new IllegalArgumentException("job option " + flag() + ": " + problem);
    }

    @Override
    public String toString() {
        return flag();
    }

    private static Integer wholeNumber(String text) {
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number, got \"" + text + "\"");
        }
    }

    private static String urlProblem(String value, String... schemes) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return "\"" + value + "\" is not a URL: " + e.getMessage();
        }
        if (uri.getScheme() == null || !Arrays.asList(schemes).contains(uri.getScheme())) {
            return "\"" + value + "\" must start with one of " + Arrays.toString(schemes) + "://";
        }
        return uri.getHost() == null ? "\"" + value + "\" names no host" : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JobOption<?> other && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name);
    }
}
