package io.vigil.common.rfid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.config.InvalidConfigFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SiteLoaderTest {
    static final String VALID = """
            site: plaza-site
            readers:
              - {reader: gate, antenna: 1, zone: plaza}
              - {reader: pump, zone: pump-room}
            zones:
              - {id: plaza, capacity: 10, warn_at: 0.5, horizon: 10m}
              - {id: pump-room, restricted: true, allowed: [staff]}
              - {id: lab, hazardous: true, max_dwell: 5m}
              - {id: muster, assembly_point: true}
            groups:
              - {id: staff, prefixes: ["STAFF-"]}
              - {id: assets, personal: false, tags: [PUMP-1], home_zone: pump-room, missing_after: 30s}
            evacuation: {triggered_by: [fire, gas-leak], zones: [plaza, lab]}
            """;

    @Test
    void readsEveryField() {
        Site site = SiteLoader.parse(VALID, "site.yaml");
        assertThat(site.id()).isEqualTo("plaza-site");
        assertThat(site.zoneOf("gate", 1)).contains("plaza");
        assertThat(site.zoneOf("gate", 2)).isEmpty();
        assertThat(site.zoneOf("pump", 7)).contains("pump-room");
        assertThat(site.zones().get("plaza").capacity()).isEqualTo(10);
        assertThat(site.zones().get("plaza").warnShare()).isEqualTo(0.5);
        assertThat(site.zones().get("pump-room").allowedGroups()).containsExactly("staff");
        assertThat(site.zones().get("lab").maxDwell()).isEqualTo(Duration.ofMinutes(5));
        assertThat(site.zones().get("muster").assemblyPoint()).isTrue();
        assertThat(site.groupOf("STAFF-7").orElseThrow().personal()).isTrue();
        Site.TagGroup assets = site.groupOf("PUMP-1").orElseThrow();
        assertThat(assets.personal()).isFalse();
        assertThat(assets.missingAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(site.groupOf("STRANGER")).isEmpty();
        assertThat(site.zones().get("plaza").horizon()).isEqualTo(Duration.ofMinutes(10));
        assertThat(site.zones().get("lab").horizon()).isNull();
        assertThat(site.evacuation().triggeredBy()).containsExactlyInAnyOrder("fire", "gas-leak");
        assertThat(site.evacuation().zones()).containsExactlyInAnyOrder("plaza", "lab");
    }

    @Test
    void anEvacuationWithoutZonesEvacuatesEveryZoneButTheAssemblyPoints() {
        Site site = SiteLoader.parse(VALID.replace(", zones: [plaza, lab]}", "}"), "site.yaml");
        assertThat(site.evacuation().zones()).containsExactlyInAnyOrder("plaza", "pump-room", "lab");
        assertThat(SiteLoader.parse(VALID.replaceAll("evacuation:.*\\n", ""), "site.yaml").evacuationPlan())
                .isEmpty();
    }

    @Test
    void theShippedExampleIsValid() {
        Site site = SiteLoader.load(Path.of("../config/site.yaml"));
        assertThat(site.zones()).containsKeys("plaza", "pump-room", "lab", "assembly-a");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "zones:\\n  - {id: plaza, capacity: 10, warn_at: 0.5}\\n                       | 1 | readers",
            "readers: []\\nzones:\\n  - {id: plaza, capacity: many}\\n                    | 3 | zones[0].capacity",
            "readers: []\\nzones:\\n  - {id: Plaza}\\n                                    | 3 | zones[0].id",
            "readers: []\\nzones:\\n  - {id: a}\\n  - {id: a}\\n                           | 4 | zones[1].id",
            "readers:\\n  - {reader: r, zone: nowhere}\\nzones:\\n  - {id: a}\\n            | 2 | readers[0].zone",
            "readers: []\\nzones:\\n  - {id: a, restricted: true, allowed: [ghosts]}\\n | 3 | zones[0].allowed[0]",
            "readers: []\\nzones:\\n  - {id: a, max_dwell: 5m}\\n                         | 3 | zones[0].max_dwell",
            "readers: []\\nzones:\\n  - {id: a}\\ngroups:\\n  - {id: g}\\n                | 5 | groups[0]",
            "readers: []\\nzones:\\n  - {id: a}\\ngroups:\\n  - {id: g, tags: [x], home_zone: a}\\n | 5 | groups[0].home_zone",
            "readers: []\\nzones:\\n  - {id: a, colour: red}\\n                           | 3 | zones[0].colour",
            "readers: []\\nzones:\\n  - {id: a}\\n  - {id: b, warn_at: 0.5}\\n             | 4 | zones[1].warn_at",
            "readers: []\\nzones:\\n  - {id: a}\\n  - {id: b, horizon: 5m}\\n             | 4 | zones[1].horizon",
            "readers: []\\nzones:\\n  - {id: a, capacity: 5, horizon: soon}\\n        | 3 | zones[0].horizon",
            "readers: []\\nzones:\\n  - {id: a}\\nevacuation: {triggered_by: [fire]}\\n | 4 | evacuation",
            "readers: []\\nzones:\\n  - {id: m, assembly_point: true}\\nevacuation: {zones: [m]}\\n | 4 | evacuation.triggered_by",
            "readers: []\\nzones:\\n  - {id: m, assembly_point: true}\\nevacuation:\\n  triggered_by: [fire]\\n  zones: [m]\\n | 6 | evacuation.zones[0]",
            "readers: []\\nzones:\\n  - {id: m, assembly_point: true}\\nevacuation:\\n  triggered_by: [fire]\\n  zones: [x]\\n | 6 | evacuation.zones[0]",
            "readers: []\\nzones:\\n  - {id: m, assembly_point: true}\\nevacuation: {triggered_by: [], zones: [m]}\\n | 4 | evacuation.triggered_by",
    })
    void errorsNameLineAndField(String yaml, int line, String field) {
        assertThatThrownBy(() -> SiteLoader.parse(yaml.replace("\\n", "\n"), "s.yaml"))
                .isInstanceOfSatisfying(InvalidConfigFileException.class, e -> {
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).startsWith("s.yaml:" + line + ": " + field + ": ");
                });
    }

    @Test
    void problemsAreWordedLikeTheRulesFilesThroughTheSharedReader() {
        String zone = "readers: []\nzones:\n  - {id: a, capacity: 5, ZONE}\n";
        assertProblem(zone.replace("ZONE", "colour: red"),
                "s.yaml:3: zones[0].colour: unknown field; expected one of [allowed, assembly_point, capacity, "
                        + "hazardous, horizon, id, max_dwell, restricted, warn_at]");
        assertProblem(zone.replace("ZONE", "horizon: soon"),
                "s.yaml:3: zones[0].horizon: expected a duration like 500ms, 10s, 5m, 1h or 1d, got \"soon\"");
        assertProblem(zone.replace("ZONE", "horizon: 0s"), "s.yaml:3: zones[0].horizon: must be longer than 0");
        assertProblem("readers:\n  - {reader: r}\nzones:\n  - {id: a}\n",
                "s.yaml:2: readers[0].zone: missing required field");
        assertThat(SiteLoader.parse(zone.replace("ZONE", "horizon: PT90S"), "s.yaml").zones().get("a").horizon())
                .isEqualTo(Duration.ofSeconds(90));
    }

    private static void assertProblem(String yaml, String message) {
        assertThatThrownBy(() -> SiteLoader.parse(yaml, "s.yaml"))
                .isInstanceOf(InvalidConfigFileException.class)
                .hasMessage(message);
    }

    @Test
    void syntaxErrorsNameTheLine() {
        assertThatThrownBy(() -> SiteLoader.parse("readers: [\nzones: {", "s.yaml"))
                .isInstanceOfSatisfying(InvalidConfigFileException.class, e -> assertThat(e.field()).isEqualTo("(syntax)"));
    }
}
