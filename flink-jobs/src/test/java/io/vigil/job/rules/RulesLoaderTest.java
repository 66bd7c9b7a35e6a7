package io.vigil.job.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.Reading;
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
        assertThat(rule.threshold()).isEqualTo(new Threshold(Direction.ABOVE, 4.0, 3.6, 3.8,
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
        assertThat(blocks).isEqualTo(2);
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
                .isInstanceOfSatisfying(InvalidRulesException.class, e -> {
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
    void badDuration() {
        assertInvalid(VALID.replace("for: 10s", "for: 10"), 9, "rules[0].threshold.for",
                "expected a duration like 500ms, 10s, 5m, 1h or 1d, got \"10\"");
    }

    @Test
    void warnBeyondTheLimit() {
        assertInvalid(VALID.replace("warn: 3.6", "warn: 4.5"), 7, "rules[0].threshold.warn",
                "the pre-warning level must be below the limit 4 (it warns before the limit is reached)");
    }

    @Test
    void brokenYamlNamesTheLine() {
        assertThatThrownBy(() -> RulesLoader.parse("rules:\n  - id: a\n    metric: [unclosed\n", "x.yaml"))
                .isInstanceOfSatisfying(InvalidRulesException.class, e -> {
                    assertThat(e.field()).isEqualTo("(syntax)");
                    assertThat(e.line()).isGreaterThanOrEqualTo(3);
                });
    }

    @Test
    void emptyFileIsAnError() {
        assertInvalid("", 1, "rules", "the file is empty");
    }

    private static void assertInvalid(String yaml, int line, String field, String problem) {
        assertThatThrownBy(() -> RulesLoader.parse(yaml, "rules.yaml"))
                .isInstanceOf(InvalidRulesException.class)
                .hasMessage("rules.yaml:" + line + ": " + field + ": " + problem);
    }

    private static Reading reading(String device, String zone, String metric) {
        return new Reading(device, "site", zone, metric, 1.0, "m", 0, 0, null);
    }
}
