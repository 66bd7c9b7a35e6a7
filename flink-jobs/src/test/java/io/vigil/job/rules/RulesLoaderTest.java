package io.vigil.job.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.Reading;
import io.vigil.common.config.InvalidConfigFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesLoaderTest {
    @TempDir
    Path dir;

    private static final String VALID = """
            rules:
              - id: river-level-high
                metric: water_level
                zones: "river-*"
                threshold:
                  above: 4.0
                  warn: 3.6
                  clear: 3.8
                  for: 10s
                  clear_for: 1m
                severity: critical
                summary: "River level high at {zone}"
              - id: reservoir-low
                metric: water_level
                devices: "res-??"
                threshold:
                  below: 1
            """;

    @Test
    void loadsTheDemoRulesFile() {
        RuleSet rules = RulesLoader.load(Path.of("..", "config", "rules.yaml"));
        Rule rule = rules.rule("river-level-high");
        assertThat(rule.threshold()).isEqualTo(new Threshold(Direction.ABOVE, 4.0, 3.6, 3.5,
                Duration.ofSeconds(5), Duration.ofSeconds(10)));
        assertThat(rule.severity()).isEqualTo("critical");
    }

    @Test
    void theExamplesInTheDocsAreValid() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "rules.md"));
        java.util.regex.Matcher yaml = java.util.regex.Pattern.compile("```yaml\n(.*?)```", java.util.regex.Pattern.DOTALL)
                .matcher(doc);
        int blocks = 0;
        while (yaml.find()) {
            assertThat(RulesLoader.parse(yaml.group(1), "docs/rules.md").size()).isPositive();
            blocks++;
        }
        assertThat(blocks).isEqualTo(4);
    }

    @Test
    void readsEveryFieldAndAppliesDefaults() throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, VALID);
        RuleSet rules = RulesLoader.load(file);

        assertThat(rules.rules()).extracting(Rule::id).containsExactly("river-level-high", "reservoir-low");
        Rule high = rules.rule("river-level-high");
        assertThat(high.threshold()).isEqualTo(new Threshold(Direction.ABOVE, 4.0, 3.6, 3.8,
                Duration.ofSeconds(10), Duration.ofMinutes(1)));
        assertThat(high.summary()).isEqualTo("River level high at {zone}");
        assertThat(high.description()).isEqualTo(RulesLoader.DEFAULT_DESCRIPTION);
        Rule low = rules.rule("reservoir-low");
        assertThat(low.threshold()).isEqualTo(new Threshold(Direction.BELOW, 1.0, null, 1.0, Duration.ZERO, Duration.ZERO));
        assertThat(low.severity()).isEqualTo(RulesLoader.DEFAULT_SEVERITY);

        assertThat(rules.matching(reading("gauge-1", "river-north", "water_level"))).containsExactly(high);
        assertThat(rules.matching(reading("res-07", "lake", "water_level"))).containsExactly(low);
        assertThat(rules.matching(reading("res-107", "lake", "water_level"))).isEmpty();
        assertThat(rules.matching(reading("gauge-1", "river-north", "temperature"))).isEmpty();
    }

    @Test
    void wrongTypeNamesFileLineAndField() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, VALID.replace("above: 4.0", "above: high"));
        assertThatThrownBy(() -> RulesLoader.load(file))
                .isInstanceOfSatisfying(InvalidConfigFileException.class, e -> {
                    assertThat(e.file()).isEqualTo(file.toString());
                    assertThat(e.line()).isEqualTo(6);
                    assertThat(e.field()).isEqualTo("rules[0].threshold.above");
                })
                .hasMessage(file + ":6: rules[0].threshold.above: expected a number, got \"high\"");
    }

    @Test
    void missingLimit() {
        assertInvalid(VALID.replace("      below: 1\n", "      for: 5s\n"), 16, "rules[1].threshold.above",
                "missing limit: give above or below");
    }

    @Test
    void bothAboveAndBelow() {
        assertInvalid(VALID.replace("      warn: 3.6\n", "      below: 1.0\n"), 7, "rules[0].threshold.below",
                "give either above or below, not both");
    }

    @Test
    void badId() {
        assertInvalid(VALID.replace("id: reservoir-low", "id: Reservoir_Low"), 13, "rules[1].id",
                "\"Reservoir_Low\" is not a valid id: use lower-case letters, digits and '-'");
    }

    @Test
    void duplicateId() {
        assertInvalid(VALID.replace("id: reservoir-low", "id: river-level-high"), 13, "rules[1].id",
                "duplicate rule id \"river-level-high\" (first defined on line 2)");
    }

    @Test
    void missingRequiredField() {
        assertInvalid(VALID.replace("    metric: water_level\n    devices", "    devices"), 13, "rules[1].metric",
                "missing required field");
    }

    @Test
    void unknownFieldIsATypoNotIgnored() {
        assertInvalid(VALID.replace("clear_for: 1m", "clearfor: 1m"), 10, "rules[0].threshold.clearfor",
                "unknown field; expected one of [above, below, clear, clear_for, for, warn]");
    }

    @Test
    void anEmptyKeyIsNamedNotLeftBlank() {
        // found by RulesFuzzTest: an empty key at the top level gave an error naming no field
        assertInvalid("\"\": 1\n" + VALID, 1, "\"\"", "unknown field; expected one of [departments, rules]");
        assertInvalid("- a\n", 1, "(top level)", "expected a mapping with a 'rules' list, got a list");
    }

    @Test
    void badDuration() {
        assertInvalid(VALID.replace("for: 10s", "for: 10"), 9, "rules[0].threshold.for",
                "expected a duration like 500ms, 10s, 5m, 1h or 1d, got \"10\"");
        // found reading the grammar: a count too large for a long escaped as a NumberFormatException
        assertInvalid(VALID.replace("for: 10s", "for: 99999999999999999999s"), 9, "rules[0].threshold.for",
                "expected a duration like 500ms, 10s, 5m, 1h or 1d, got \"99999999999999999999s\"");
    }

    @Test
    void warnBeyondTheLimit() {
        assertInvalid(VALID.replace("warn: 3.6", "warn: 4.5"), 7, "rules[0].threshold.warn",
                "the pre-warning level must be below the limit 4 (it warns before the limit is reached)");
    }

    @Test
    void brokenYamlNamesTheLine() {
        assertThatThrownBy(() -> RulesLoader.parse("rules:\n  - id: a\n    metric: [unclosed\n", "x.yaml"))
                .isInstanceOfSatisfying(InvalidConfigFileException.class, e -> {
                    assertThat(e.field()).isEqualTo("(syntax)");
                    assertThat(e.line()).isGreaterThanOrEqualTo(3);
                });
    }

    static final String DETECTORS = """
            departments:
              "river-*": water-authority
            rules:
              - id: flood
                metric: water_level
                forecast: {above: 4.0, horizon: 30m, window: 10m, min_readings: 6}
                threshold: {above: 4.0, clear: 3.8}
                rate: {rise: 0.3, within: 10m, raises: alarm}
                escalate_after: 5m
              - id: gauge-health
                metric: water_level
                department: maintenance
                no_data: {expected_every: 1m, factor: 5}
                flatline: {epsilon: 0.001, for: 30m}
                range: {min: -1, max: 20}
            """;

    @Test
    void readsEveryDetectorKindDepartmentsAndEscalation() {
        RuleSet rules = RulesLoader.parse(DETECTORS, "rules.yaml");
        Rule flood = rules.rule("flood");
        assertThat(flood.conditions()).containsExactly(
                new Threshold(Direction.ABOVE, 4.0, null, 3.8, Duration.ZERO, Duration.ZERO),
                new RateOfChange(Direction.ABOVE, 0.3, Duration.ofMinutes(10), true),
                new PredictedCrossing(Direction.ABOVE, 4.0, Duration.ofMinutes(30), Duration.ofMinutes(10), 6));
        assertThat(flood.escalateAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(rules.departmentOf(flood, "river-north")).isEqualTo("water-authority");
        assertThat(rules.departmentOf(flood, "lake")).isNull();
        Rule health = rules.rule("gauge-health");
        assertThat(health.conditions()).containsExactly(new NoData(Duration.ofMinutes(1), 5),
                new Flatline(0.001, Duration.ofMinutes(30)), new Range(-1, 20));
        assertThat(rules.departmentOf(health, "river-north")).isEqualTo("maintenance");
        assertThat(health.escalateAfter()).isNull();
    }

    @Test
    void detectorErrorsNameLineAndField() {
        assertInvalid(DETECTORS.replace("horizon: 30m, ", ""), 6, "rules[0].forecast.horizon", "missing required field");
        assertInvalid(DETECTORS.replace("max: 20", "max: -2"), 15, "rules[1].range.max", "must be greater than min -1");
        assertInvalid(DETECTORS.replace("raises: alarm", "raises: panic"), 8, "rules[0].rate.raises",
                "expected pre_warning or alarm, got \"panic\"");
        assertInvalid(DETECTORS.replace("factor: 5", "factor: 0.5"), 13, "rules[1].no_data.factor",
                "must be at least 1 (a device is offline only after missing its interval)");
        assertInvalid(DETECTORS.replace("escalate_after: 5m", "escalate_after: soon"), 9, "rules[0].escalate_after",
                "expected a duration like 500ms, 10s, 5m, 1h or 1d, got \"soon\"");
    }

    @Test
    void aRuleNeedsADetector() {
        assertInvalid("rules:\n  - id: x\n    metric: m\n", 2, "rules[0].threshold",
                "missing detector: give at least one of [threshold, rate, forecast, no_data, flatline, range, anomaly, "
                        + "group_anomaly]");
    }

    @Test
    void readsAnomalyRulesWithDefaultsAndValidatesScores() {
        RuleSet rules = RulesLoader.parse("""
                rules:
                  - id: odd
                    metric: "*"
                    anomaly: {level: 0.9, warn: 0.7, for: 30s, clear_for: 2m}
                  - id: plain
                    metric: water_level
                    anomaly: {}
                """, "rules.yaml");
        assertThat(rules.rule("odd").conditions()).containsExactly(
                new Anomaly(0.9, 0.7, Duration.ofSeconds(30), Duration.ofMinutes(2)));
        assertThat(rules.rule("odd").holdFor()).isEqualTo(Duration.ofSeconds(30));
        assertThat(rules.rule("odd").matches(reading("d", "z", "anything"))).isTrue();
        assertThat(rules.rule("plain").conditions()).containsExactly(Anomaly.defaults());
        assertThat(rules.rule("plain").warns()).isTrue();
        String bad = "rules:\n  - id: odd\n    metric: m\n    anomaly: {level: 0.9, warn: WARN}\n";
        assertInvalid(bad.replace("WARN", "0.95"), 4, "rules[0].anomaly.warn",
                "the pre-warning score must be below the level 0.9");
        assertInvalid(bad.replace("WARN", "1.5"), 4, "rules[0].anomaly.warn",
                "an anomaly score is in (0, 1], got \"1.5\"");
        assertInvalid(bad.replace("WARN", "0.5").replace("level", "lvl"), 4, "rules[0].anomaly.lvl",
                "unknown field; expected one of [clear_for, for, level, warn]");
        assertThat(RulesLoader.parse(bad.replace(", warn: WARN", "").replace("0.9", "0.3"), "r").rule("odd")
                .anomaly().warn()).as("the default warn only below the level").isNull();
    }

    @Test
    void readsGroupAnomalyRulesWithDefaults() {
        RuleSet rules = RulesLoader.parse("""
                rules:
                  - id: boiler-room
                    metric: "*"
                    zones: "boiler-*"
                    group_anomaly: {by: zone, at_least: 3, within: 5m, clear_for: 1m}
                  - id: whole-site
                    metric: temperature
                    group_anomaly: {by: site, at_least: 2}
                  - id: any-zone
                    metric: flow
                    group_anomaly: {at_least: 4}
                """, "rules.yaml");
        assertThat(rules.rule("boiler-room").conditions()).containsExactly(
                new GroupAnomaly(GroupAnomaly.By.ZONE, 3, Duration.ofMinutes(5), Duration.ofMinutes(1)));
        assertThat(rules.rule("boiler-room").clearFor()).isEqualTo(Duration.ofMinutes(1));
        assertThat(rules.rule("whole-site").conditions()).containsExactly(
                new GroupAnomaly(GroupAnomaly.By.SITE, 2, GroupAnomaly.DEFAULT_WITHIN, Duration.ZERO));
        assertThat(rules.rule("any-zone").groupAnomaly().by()).isEqualTo(GroupAnomaly.By.ZONE);
        assertThat(rules.rule("any-zone").summary()).isEqualTo(RulesLoader.DEFAULT_GROUP_SUMMARY);
        assertThat(rules.rule("any-zone").description()).contains("{members}");
    }

    @Test
    void aBadGroupAnomalyBlockNamesFileLineAndField() {
        String bad = "rules:\n  - id: plant\n    metric: m\n    group_anomaly: {BLOCK}\n";
        assertInvalid(bad.replace("BLOCK", "by: zone"), 4, "rules[0].group_anomaly.at_least",
                "missing required field");
        assertInvalid(bad.replace("BLOCK", "by: plant, at_least: 3"), 4, "rules[0].group_anomaly.by",
                "expected zone or site, got \"plant\"");
        assertInvalid(bad.replace("BLOCK", "at_least: 2.5"), 4, "rules[0].group_anomaly.at_least",
                "expected a whole number of series of at least 1, got \"2.5\"");
        assertInvalid(bad.replace("BLOCK", "at_least: 0"), 4, "rules[0].group_anomaly.at_least",
                "expected a whole number of series of at least 1, got \"0\"");
        assertInvalid(bad.replace("BLOCK", "at_least: 3, within: 0s"), 4, "rules[0].group_anomaly.within",
                "must be longer than 0");
        assertInvalid(bad.replace("BLOCK", "at_least: 3, of: 5"), 4, "rules[0].group_anomaly.of",
                "unknown field; expected one of [at_least, by, clear_for, within]");
        assertInvalid("rules:\n  - id: plant\n    metric: m\n    anomaly: {}\n    group_anomaly: {at_least: 2}\n", 5,
                "rules[0].group_anomaly", "a group_anomaly rule watches a whole group: give it a rule of its own, "
                        + "without other detectors");
    }

    @Test
    void theDefaultAnomalyRuleWatchesEverySeries() {
        RuleSet rules = RuleSet.anomalyDefaults();
        assertThat(rules.matching(reading("any-device", "any-zone", "any-metric")))
                .extracting(Rule::id).containsExactly(RuleSet.ANOMALY_DEFAULT_ID);
        assertThat(rules.rule(RuleSet.ANOMALY_DEFAULT_ID).conditions()).containsExactly(Anomaly.defaults());
    }

    @Test
    void emptyFileIsAnError() {
        assertInvalid("", 1, "rules", "the file is empty");
    }

    private static void assertInvalid(String yaml, int line, String field, String problem) {
        assertThatThrownBy(() -> RulesLoader.parse(yaml, "rules.yaml"))
                .isInstanceOf(InvalidConfigFileException.class)
                .hasMessage("rules.yaml:" + line + ": " + field + ": " + problem);
    }

    private static Reading reading(String device, String zone, String metric) {
        return new Reading(device, "site", zone, metric, 1.0, "m", 0, 0, null);
    }
}
