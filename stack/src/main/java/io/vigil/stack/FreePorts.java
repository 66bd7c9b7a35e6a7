package io.vigil.stack;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;

/**
 * Free loopback ports for servers started by tests. A port is chosen at random below Linux's ephemeral range
 * (32768–60999) and checked by binding it: a port the kernel hands out for port 0 lies in that range, where any
 * outgoing connection of any process (a Kafka client, another test JVM) may take it before the server binds it, and
 * two test JVMs asking at once are handed neighbouring ports. Below the range only a process that binds a port by
 * number can take it; above {@link #LOW} no server Vigil or the demo starts listens by default.
 */
public final class FreePorts {
    static final int LOW = 20_000;
    static final int HIGH = 32_767;
    private static final int TRIES = 200;

    private FreePorts() {}

    public static int tcp() {
        return tcp(FreePorts::candidate);
    }

    static int tcp(IntSupplier candidates) {
        return first("TCP", candidates, FreePorts::bindsTcp);
    }

    public static int udp() {
        return first("UDP", FreePorts::candidate, FreePorts::bindsUdp);
    }

    private static int first(String protocol, IntSupplier candidates, IntPredicate free) {
        for (int i = 0; i < TRIES; i++) {
            int port = candidates.getAsInt();
            if (free.test(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free " + protocol + " port on loopback between " + LOW + " and " + HIGH);
    }

    private static boolean bindsTcp(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static boolean bindsUdp(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int candidate() {
        return ThreadLocalRandom.current().nextInt(LOW, HIGH + 1);
    }
}
