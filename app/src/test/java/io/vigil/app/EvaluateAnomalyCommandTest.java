package io.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A small real evaluation run: every kind and the normal-only set get a line with figures. */
class EvaluateAnomalyCommandTest {
    @Test
    void reportsFiguresPerKind() {
        StringWriter text = new StringWriter();
        CommandLine cli = new CommandLine(new Vigil());
        cli.setOut(new PrintWriter(text));
        int code = cli.execute("evaluate-anomaly", "--series", "2", "--days", "9", "--per-series", "2");
        assertThat(code).isZero();
        String out = text.toString();
        assertThat(out).contains("precision", "recall", "F1", "delay p50");
        for (String kind : new String[] {"spike ", "level-shift ", "drift ", "variance-change ", "stuck ",
            "(normal only) "}) {
            assertThat(out).containsPattern("(?m)^" + java.util.regex.Pattern.quote(kind) + "\\s+\\d+\\s+\\d+");
        }
        // two series of each kind, two anomalies each
        assertThat(out).containsPattern("(?m)^spike\\s+4\\s+");
    }

    @Test
    void rejectsNonsense() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Vigil());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("evaluate-anomaly", "--level", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("--level");
    }
}
