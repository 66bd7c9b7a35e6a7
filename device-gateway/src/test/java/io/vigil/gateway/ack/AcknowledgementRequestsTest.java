package io.vigil.gateway.ack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.RejectReason;
import io.vigil.common.incident.Acknowledgement;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcknowledgementRequestsTest {
    private static final String ID = "river-level-high:gauge-7:water_level:1700000000000";

    @Test
    void acceptsByAndCommentAndKeepsWhereAndWhen() throws Exception {
        Acknowledgement ack = AcknowledgementRequests.parse(ID,
                bytes("{\"by\":\" Officer Li \",\"comment\":\"crew on the way\"}"), "http 127.0.0.1:5000", 42L);

        assertThat(ack).isEqualTo(new Acknowledgement(ID, "Officer Li", 42L, "crew on the way", "http 127.0.0.1:5000"));
    }

    @Test
    void commentIsOptional() throws Exception {
        assertThat(AcknowledgementRequests.parse(ID, bytes("{\"by\":\"li\"}"), "mqtt vigil/ack/x", 1L).comment())
                .isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                                | EMPTY",
        "{\"by\":                          | MALFORMED",
        "[\"li\"]                          | WRONG_TYPE",
        "{\"comment\":\"x\"}               | MISSING_FIELD",
        "{\"by\":\"  \"}                   | MISSING_FIELD",
        "{\"by\":7}                        | WRONG_TYPE",
        "{\"by\":\"li\",\"comment\":[1]}   | WRONG_TYPE",
        "{\"by\":\"li\",\"who\":\"x\"}     | WRONG_TYPE",
        "{\"by\":\"li\\u0007\"}            | INVALID_VALUE",
    })
    void refusesBadBodiesWithATypedReason(String body, RejectReason reason) {
        assertThatThrownBy(() -> AcknowledgementRequests.parse(ID, bytes(body), "test", 1L))
                .isInstanceOfSatisfying(InvalidAcknowledgement.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void refusesOversizeFieldsAndBodies() {
        assertThatThrownBy(() -> AcknowledgementRequests.parse(ID,
                bytes("{\"by\":\"" + "x".repeat(AcknowledgementRequests.MAX_BY + 1) + "\"}"), "t", 1L))
                .isInstanceOfSatisfying(InvalidAcknowledgement.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.TOO_LARGE));
        assertThatThrownBy(() -> AcknowledgementRequests.parse(ID,
                bytes("{\"by\":\"li\",\"comment\":\"" + "x".repeat(AcknowledgementRequests.MAX_BODY_BYTES) + "\"}"),
                "t", 1L))
                .isInstanceOfSatisfying(InvalidAcknowledgement.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.TOO_LARGE));
    }

    @ParameterizedTest
    @CsvSource({"''", "a/b", "a+b", "a#b", "'a b'"})
    void refusesIdsThatCannotBeKeysOrTopicLevels(String id) {
        assertThatThrownBy(() -> AcknowledgementRequests.parse(id, bytes("{\"by\":\"li\"}"), "t", 1L))
                .isInstanceOfSatisfying(InvalidAcknowledgement.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.BAD_ADDRESS));
        assertThat(AcknowledgementRequests.isIncidentId("x".repeat(AcknowledgementRequests.MAX_INCIDENT_ID + 1)))
                .isFalse();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
