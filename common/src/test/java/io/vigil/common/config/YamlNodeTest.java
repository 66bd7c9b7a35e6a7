package io.vigil.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlNodeTest {
    static final String DOC = """
            name: pump
            limits:
              high: 4.5
              count: 12
              hold: 30s
              on: true
            tags: [a, b]
            items:
              - {id: first}
              - id: second
                extra: 1
            """;

    @TempDir
    Path dir;

    @Test
    void everyNodeKnowsItsLineAndPath() {
        YamlNode root = YamlNode.parse(DOC, "d.yaml", "name");
        YamlNode second = root.required("items").items.get(1);
        assertThat(second.path).isEqualTo("items[1]");
        assertThat(second.line).isEqualTo(10);
        assertThat(second.field("extra").path).isEqualTo("items[1].extra");
        assertThat(second.field("extra").line).isEqualTo(11);
        assertThat(root.field("limits").field("hold").line).isEqualTo(5);
    }

    @Test
    void typedGettersReadTheirValues() {
        YamlNode root = YamlNode.parse(DOC, "d.yaml", "name");
        YamlNode limits = root.required("limits");
        assertThat(root.required("name").text()).isEqualTo("pump");
        assertThat(limits.required("high").number()).isEqualTo(4.5);
        assertThat(limits.required("count").integer(1, 100)).isEqualTo(12);
        assertThat(limits.required("hold").positiveDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(limits.optionalDuration("hold")).contains(Duration.ofSeconds(30));
        assertThat(limits.optionalDuration("wait")).isEmpty();
        assertThat(limits.bool("on", false)).isTrue();
        assertThat(limits.bool("off", true)).isTrue();
        assertThat(root.optionalText("name")).contains("pump");
        assertThat(root.optionalText("owner")).isEmpty();
        assertThat(root.optionalStrings("tags", "a list of tags")).containsExactly("a", "b");
        assertThat(root.optionalStrings("labels", "a list of labels")).isEmpty();
        assertThat(limits.oneOf("high", "low").path).isEqualTo("limits.high");
    }

    @Test
    void everyProblemNamesFileLineAndField() {
        YamlNode root = YamlNode.parse(DOC, "d.yaml", "name");
        YamlNode limits = root.field("limits");
        assertProblem(() -> root.field("name").number(), "d.yaml:1: name: expected a number, got \"pump\"");
        assertProblem(() -> limits.field("high").integer(1, 100),
                "d.yaml:3: limits.high: expected an integer 1..100, got \"4.5\"");
        assertProblem(() -> limits.field("count").integer(1, 10),
                "d.yaml:4: limits.count: expected an integer 1..10, got \"12\"");
        assertProblem(() -> limits.field("high").duration(),
                "d.yaml:3: limits.high: expected a duration like 500ms, 10s, 5m, 1h or 1d, got \"4.5\"");
        assertProblem(() -> limits.text(), "d.yaml:2: limits: expected text, got a mapping");
        assertProblem(() -> root.bool("name", false), "d.yaml:1: name: expected true or false, got \"pump\"");
        assertProblem(() -> limits.required("low"), "d.yaml:2: limits.low: missing required field");
        assertProblem(() -> limits.oneOf("low", "lower"), "d.yaml:2: limits.low: missing: give low or lower");
        assertProblem(() -> limits.oneOf("high", "count"),
                "d.yaml:4: limits.count: give either high or count, not both");
        assertProblem(() -> root.field("tags").expect(YamlNode.Kind.MAP, "a mapping of tags"),
                "d.yaml:7: tags: expected a mapping of tags, got a list");
        assertProblem(() -> root.expect(YamlNode.Kind.LIST, "a list"),
                "d.yaml:1: (top level): expected a list, got a mapping");
    }

    @Test
    void unknownFieldsAreRefusedNamingTheKnownOnes() {
        YamlNode second = YamlNode.parse(DOC, "d.yaml", "name").field("items").items.get(1);
        assertProblem(() -> second.rejectUnknown(Set.of("id", "name")),
                "d.yaml:11: items[1].extra: unknown field; expected one of [id, name]");
        assertThat(second.rejectUnknown(Set.of("id", "extra"))).isSameAs(second);
        assertProblem(() -> YamlNode.parse("\"\": 1\n", "d.yaml", "name").rejectUnknown(Set.of("name")),
                "d.yaml:1: \"\": unknown field; expected one of [name]");
    }

    @Test
    void aZeroDurationIsAllowedUnlessItMustBePositive() {
        YamlNode wait = YamlNode.parse("wait: 0s\n", "d.yaml", "wait").field("wait");
        assertThat(wait.duration()).isZero();
        assertProblem(wait::positiveDuration, "d.yaml:1: wait: must be longer than 0");
    }

    @Test
    void aCountTooLargeForItsUnitIsAnErrorNotAnOverflow() {
        YamlNode wait = YamlNode.parse("wait: 99999999999999999999s\n", "d.yaml", "wait").field("wait");
        assertProblem(wait::duration,
                "d.yaml:1: wait: expected a duration like 500ms, 10s, 5m, 1h or 1d, got \"99999999999999999999s\"");
    }

    @Test
    void blankTextAndListsOfItAreRefused() {
        YamlNode root = YamlNode.parse("owner: \" \"\ntags: [a, \"\"]\n", "d.yaml", "owner");
        assertProblem(() -> root.optionalText("owner"), "d.yaml:1: owner: expected text, got \" \"");
        assertProblem(() -> root.optionalStrings("tags", "a list of tags"),
                "d.yaml:2: tags[1]: expected text, got \"\"");
    }

    @Test
    void theDocumentItselfCanBeRefused() {
        assertProblem(() -> YamlNode.parse("", "d.yaml", "rules"), "d.yaml:1: rules: the file is empty");
        assertProblem(() -> YamlNode.parse("a: 1\nb: 2\na: 3\n", "d.yaml", "a"), "d.yaml:3: a: given twice");
        assertThatThrownBy(() -> YamlNode.parse("a: [\nb: {", "d.yaml", "a"))
                .isInstanceOfSatisfying(InvalidConfigFileException.class, e -> {
                    assertThat(e.field()).isEqualTo("(syntax)");
                    assertThat(e.line()).isPositive();
                    assertThat(e.file()).isEqualTo("d.yaml");
                });
        Path missing = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> YamlNode.load(missing, "a"))
                .isInstanceOfSatisfying(InvalidConfigFileException.class, e -> {
                    assertThat(e.field()).isEqualTo("(file)");
                    assertThat(e.line()).isZero();
                })
                .hasMessageStartingWith(missing + ":0: (file): cannot read: ");
    }

    @Test
    void loadsAFileNamingItsPath() throws Exception {
        Path file = dir.resolve("site.yaml");
        Files.writeString(file, "zones: [a]\n");
        YamlNode root = YamlNode.load(file, "zones");
        assertThat(root.field("zones").strings("a list of zone ids")).isEqualTo(List.of("a"));
        assertProblem(() -> root.field("zones").number(), file + ":1: zones: expected a number, got a list");
    }

    private static void assertProblem(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(InvalidConfigFileException.class).hasMessage(message);
    }
}
