package io.vigil.sim;

import io.vigil.common.Protocol;
import java.util.ArrayList;
import java.util.List;

/**
 * Which devices exist and which protocol each uses. The CoAP share takes the highest indices, so the flood gauge
 * (index 0) stays on MQTT unless every device uses CoAP, and the CoAP devices spread over the zones.
 */
public final class Fleet {
    private Fleet() {}

    public static List<SimulatedDevice> plan(int devices, double coapShare, String idPrefix, Scenario scenario) {
        int coapDevices = coapDevices(devices, coapShare);
        List<SimulatedDevice> fleet = new ArrayList<>(devices);
        for (int i = 0; i < devices; i++) {
            Protocol protocol = i >= devices - coapDevices ? Protocol.COAP : Protocol.MQTT;
            fleet.add(new SimulatedDevice(i, idPrefix + i, protocol, scenario.site(i), scenario.zone(i)));
        }
        return List.copyOf(fleet);
    }

    static int coapDevices(int devices, double coapShare) {
        return (int) Math.round(devices * coapShare);
    }
}
