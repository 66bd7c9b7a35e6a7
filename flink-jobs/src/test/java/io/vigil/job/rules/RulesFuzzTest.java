package io.vigil.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vigil.common.config.InvalidConfigFileException;
import java.nio.charset.StandardCharsets;

/**
 * A Jazzer fuzz test of the rules loader: whatever the bytes, a rules file either loads into rules that can run or
 * is refused with {@link InvalidConfigFileException} naming the file, a line and a field — never anything else, since
 * the job refuses to start (or a pushed document is rejected) on exactly that exception. Regression mode replays
 * {@code src/test/resources/io/vigil/job/rules/RulesFuzzTestInputs/rulesYaml/}.
 */
class RulesFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void rulesYaml(byte[] input) {
        RuleSet rules;
        try {
            rules = RulesLoader.parse(new String(input, StandardCharsets.UTF_8), "fuzz.yaml");
        } catch (InvalidConfigFileException e) {
            assertThat(e.getMessage()).startsWith("fuzz.yaml:");
            assertThat(e.line()).isNotNegative();
            assertThat(e.field()).isNotBlank();
            return;
        }
        for (Rule rule : rules.rules()) {
            assertThat(rule.id()).isNotBlank();
            assertThat(rule.conditions()).isNotEmpty();
        }
    }
}
