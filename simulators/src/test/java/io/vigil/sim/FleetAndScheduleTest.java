package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.Protocol;
import io.vigil.common.serde.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetAndScheduleTest {
    private final Scenario scenario = new RiverFloodScenario(42, 1.0);

    @Test
    void coapShareTakesTheHighestIndicesAndLeavesTheFloodGaugeOnMqtt() {
        List<SimulatedDevice> fleet = Fleet.plan(10, 0.3, "gauge-", scenario);
        assertThat(fleet).extracting(SimulatedDevice::id).startsWith("gauge-0", "gauge-1").endsWith("gauge-9");
        assertThat(fleet).filteredOn(d -> d.protocol() == Protocol.COAP).extracting(SimulatedDevice::index)
                .containsExactly(7, 8, 9);
        assertThat(fleet.get(0).protocol()).isEqualTo(Protocol.MQTT);
        assertThat(fleet.get(0).zone()).isEqualTo("riverside");
        assertThat(Fleet.plan(10, 0, "g", scenario)).allMatch(d -> d.protocol() == Protocol.MQTT);
        assertThat(Fleet.plan(10, 1, "g", scenario)).allMatch(d -> d.protocol() == Protocol.COAP);
    }

    @Test
    void readingsGoRoundTheFleetAtEvenlySpacedEventTimes() {
        ReadingSchedule schedule = new ReadingSchedule(5, 20);
        assertThat(schedule.device(0)).isZero();
        assertThat(schedule.device(7)).isEqualTo(2);
        assertThat(schedule.elapsedMillis(7)).isEqualTo(350);
        // Each device reports every devices / rate = 250 ms.
        assertThat(schedule.elapsedMillis(12) - schedule.elapsedMillis(7)).isEqualTo(250);
        assertThat(schedule.dueBy(0)).isEqualTo(1);
        assertThat(schedule.dueBy(1_000_000_000L)).isEqualTo(21);
        assertThat(schedule.readingsIn(3)).isEqualTo(60);
    }

    @Test
    void plainJsonCarriesTheReadingFieldsInOrder() throws Exception {
        DeviceReading r = new DeviceReading("water_level", 3.42, "m", 1764300000000L, "riverside", "city");
        String json = new String(r.encode(PayloadFormat.JSON, "gauge-2"));
        assertThat(json).isEqualTo(
                "{\"metric\":\"water_level\",\"value\":3.42,\"unit\":\"m\",\"time\":1764300000000,\"zone\":\"riverside\",\"site\":\"city\"}");
        assertThat(Json.mapper().readValue(json, DeviceReading.class)).isEqualTo(r);
    }

    @Test
    void senmlCarriesBaseNameAndExactBaseTimeInSeconds() throws Exception {
        DeviceReading r = new DeviceReading("water_level", 3.42, "m", 1764300000123L, "riverside", "city");
        String json = new String(r.encode(PayloadFormat.SENML_JSON, "gauge-2"));
        assertThat(json).isEqualTo("[{\"bn\":\"gauge-2/\",\"bt\":1764300000.123,\"n\":\"water_level\",\"u\":\"m\",\"v\":3.42}]");
        JsonNode record = Json.mapper().readTree(json).get(0);
        assertThat(record.get("bt").decimalValue().movePointRight(3).longValueExact()).isEqualTo(1764300000123L);
        assertThat(PayloadFormat.SENML_JSON.coapContentFormat()).isEqualTo(110);
        assertThat(PayloadFormat.JSON.coapContentFormat()).isEqualTo(50);
    }

    @Test
    void mqttWindowStaysBelowTheBrokersReceiveMaximum() {
        assertThat(MqttTransport.windowFor(null)).isEqualTo(1000);
        assertThat(MqttTransport.windowFor(20)).isEqualTo(19);
        assertThat(MqttTransport.windowFor(1)).isEqualTo(1);
    }
}
