package io.vigil.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Everything the Flink job needs to run: a value for each of {@link JobOptions#all()}, read with
 * {@code config.get(JobOptions.X)}. Defaults, descriptions and checks live in the declarations only; every value is
 * checked as it is set ({@link #with}), so a config that exists is usable.
 */
public final class JobConfig {
    private static final JobConfig DEFAULTS = new JobConfig(defaultValues());

    private final Map<JobOption<?>, Object> values;

    private JobConfig(Map<JobOption<?>, Object> values) {
        this.values = values;
    }

    /** A broker login; the password stays out of {@link #toString()}. */
    public record MqttLogin(String username, String password) implements java.io.Serializable {
        public MqttLogin {
            if (username == null || username.isBlank() || password == null) {
                throw new IllegalArgumentException("mqttLogin: needs a non-blank user name and a password");
            }
        }

        @Override
        public String toString() {
            return "MqttLogin[username=" + username + ", password=***]";
        }
    }

    public static JobConfig defaults() {
        return DEFAULTS;
    }

    /** The option's value: given, or its default; null where the option is off. */
    public <T> T get(JobOption<T> option) {
        if (!values.containsKey(option)) {
            throw new IllegalArgumentException(option.flag() + " is not declared in JobOptions");
        }
        return option.type().cast(values.get(option));
    }

    /**
     * This config with {@code option} set to {@code value} (null turns an option that is off by default off again).
     *
     * @throws IllegalArgumentException "job option --name: ..." if the option may not take the value
     */
    public <T> JobConfig with(JobOption<T> option, T value) {
        get(option);
        Map<JobOption<?>, Object> changed = new LinkedHashMap<>(values);
        changed.put(option, option.check(value));
        return new JobConfig(changed);
    }

    /**
     * The alert publisher's broker login from {@link JobOptions#MQTT_USER} and the first line of
     * {@link JobOptions#MQTT_PASSWORD_FILE}; null for an anonymous broker.
     *
     * @throws IllegalArgumentException naming the option if only one of the two is set
     * @throws UncheckedIOException if the password file cannot be read
     */
    public MqttLogin mqttLogin() {
        String user = get(JobOptions.MQTT_USER);
        Path passwordFile = get(JobOptions.MQTT_PASSWORD_FILE);
        if (user == null && passwordFile == null) {
            return null;
        }
        if (user == null || passwordFile == null) {
            throw (user == null ? JobOptions.MQTT_PASSWORD_FILE : JobOptions.MQTT_USER)
                    .invalid("needs " + (user == null ? JobOptions.MQTT_USER : JobOptions.MQTT_PASSWORD_FILE));
        }
        try {
            return new MqttLogin(user, Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst()
                    .orElseThrow(() -> JobOptions.MQTT_PASSWORD_FILE.invalid(passwordFile + " is empty")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("job option " + JobOptions.MQTT_PASSWORD_FILE.flag() + ": cannot read "
                    + passwordFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JobConfig other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** Every option that differs from its default. */
    @Override
    public String toString() {
        StringJoiner s = new StringJoiner(", ", "JobConfig[", "]");
        JobOptions.all().forEach(option -> addIfChanged(s, option));
        return s.toString();
    }

    private <T> void addIfChanged(StringJoiner s, JobOption<T> option) {
        T value = get(option);
        if (!Objects.equals(value, option.defaultValue())) {
            s.add(option.name() + "=" + (value == null ? "off" : option.write(value)));
        }
    }

    private static Map<JobOption<?>, Object> defaultValues() {
        Map<JobOption<?>, Object> values = new LinkedHashMap<>();
        JobOptions.all().forEach(option -> values.put(option, option.defaultValue()));
        return values;
    }
}
