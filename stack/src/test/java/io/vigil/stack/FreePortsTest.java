package io.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Free ports come from below the kernel's ephemeral range and are bindable when handed out. */
class FreePortsTest {
    @Test
    void portsAreBelowTheEphemeralRangeAndFree() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int tcp = FreePorts.tcp();
            assertThat(tcp).isBetween(FreePorts.LOW, FreePorts.HIGH);
            try (ServerSocket s = new ServerSocket(tcp, 1, InetAddress.getLoopbackAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(tcp);
            }
            seen.add(tcp);
            assertThat(FreePorts.udp()).isBetween(FreePorts.LOW, FreePorts.HIGH);
        }
        assertThat(seen).as("chosen at random, not counted up").hasSizeGreaterThan(40);
    }

    @Test
    void aTakenPortIsNeverHandedOut() throws Exception {
        int taken = FreePorts.tcp();
        int free = FreePorts.tcp();
        java.util.Iterator<Integer> candidates = java.util.List.of(taken, taken, free).iterator();
        try (ServerSocket s = new ServerSocket(taken, 1, InetAddress.getLoopbackAddress())) {
            assertThat(FreePorts.tcp(candidates::next)).isEqualTo(free);
        }
    }
}
