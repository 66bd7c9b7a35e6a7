package io.vigil.sim;

import io.vigil.common.Topics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load generator's MQTT 5 publisher: like {@link MqttTransport} each device logs in as itself (its own user name
 * and password, on a connection of its own) and publishes QoS 1 to {@code vigil/readings/{deviceId}}, and a reading
 * counts as acknowledged only on the broker's PUBACK; but without a client library. Paho runs three threads, a token
 * and a persistence entry per connection and message, and writes each packet with its own system call: with a
 * hundred devices per process that made the publisher cost more CPU per reading than the gateway, on the same two
 * cores. Here one thread serves every connection: it writes what the pacer queued since its last turn in one call
 * per connection, and reads the answers of many publishes per call.
 *
 * <p>For benchmarks only: no reconnect (a lost connection fails its outstanding and later readings, which the
 * bench then reports), no keep-alive, no TLS.
 */
final class LeanMqttTransport implements ReadingTransport {
    private static final int MAX_WINDOW = 1000;
    private static final Duration WINDOW_WAIT = Duration.ofSeconds(10);
    private static final AtomicLong CLIENTS = new AtomicLong();

    private final String url;
    private final Map<String, Connection> byDevice;
    private final List<Connection> connections;
    private final Selector selector;
    private final Queue<Connection> toWrite = new ConcurrentLinkedQueue<>();
    private final Thread io;
    private volatile boolean open = true;

    private LeanMqttTransport(String url, Map<String, Connection> byDevice, List<Connection> connections,
                              Selector selector) {
        this.url = url;
        this.byDevice = byDevice;
        this.connections = connections;
        this.selector = selector;
        this.io = new Thread(this::serve, "vigil-sim-lean-mqtt");
        io.setDaemon(true);
    }

    /** {@code connections} anonymous connections; a device always publishes on the same one, so in order. */
    static LeanMqttTransport connect(String url, int connections, Duration timeout) throws IOException {
        return open(url, null, Map.of(), connections, timeout);
    }

    /** One connection per device, logged in as the device. */
    static LeanMqttTransport connectAs(String url, List<SimulatedDevice> devices,
                                       Map<String, DeviceCredentials> credentials, Duration timeout) throws IOException {
        return open(url, devices, credentials, devices.size(), timeout);
    }

    private static LeanMqttTransport open(String url, List<SimulatedDevice> devices,
                                          Map<String, DeviceCredentials> credentials, int count, Duration timeout)
            throws IOException {
        URI uri = URI.create(url);
        if (!"tcp".equals(uri.getScheme())) {
            throw new IllegalArgumentException("the lean MQTT publisher speaks plain tcp:// only, not " + url);
        }
        InetSocketAddress broker = new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 1883 : uri.getPort());
        Selector selector = Selector.open();
        Map<String, Connection> byDevice = new HashMap<>();
        List<Connection> connections = new ArrayList<>();
        LeanMqttTransport transport = new LeanMqttTransport(url, byDevice, connections, selector);
        try {
            for (int i = 0; i < count; i++) {
                String user = devices == null ? null : devices.get(i).id();
                DeviceCredentials c = user == null ? null : credentials.get(user);
                if (user != null && c == null) {
                    throw new IllegalArgumentException("no credentials for device " + user);
                }
                Connection conn = Connection.open(broker, user, c == null ? null : c.mqttPassword(), timeout);
                connections.add(conn);
                if (user != null) {
                    byDevice.put(user, conn);
                }
                conn.channel.register(selector, SelectionKey.OP_READ, conn);
            }
        } catch (IOException | RuntimeException e) {
            transport.close();
            throw new IOException("cannot connect to MQTT broker " + url + ": " + e.getMessage(), e);
        }
        transport.io.start();
        return transport;
    }

    @Override
    public void send(SimulatedDevice device, byte[] payload, PayloadFormat format, Delivery delivery)
            throws InterruptedException {
        Connection conn = byDevice.isEmpty()
                ? connections.get(Math.floorMod(device.index(), connections.size())) : byDevice.get(device.id());
        if (conn == null) {
            delivery.failed("mqtt: no connection for device " + device.id());
            return;
        }
        if (!conn.window.tryAcquire(WINDOW_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            delivery.failed("mqtt: broker " + url + " acknowledged nothing for " + WINDOW_WAIT.toSeconds() + " s");
            return;
        }
        String failure = conn.queue(Topics.MQTT_READINGS_PREFIX + device.id(), payload, format.mediaType(), delivery);
        if (failure != null) {
            conn.window.release();
            delivery.failed(failure);
            return;
        }
        if (conn.markDirty()) {
            toWrite.add(conn);
            selector.wakeup();
        }
    }

    private void serve() {
        try {
            while (open) {
                Connection dirty;
                while ((dirty = toWrite.poll()) != null) {
                    dirty.flush(selector);
                }
                selector.select(1000);
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection conn = (Connection) key.attachment();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isWritable()) {
                        conn.flush(selector);
                    }
                    if (key.isValid() && key.isReadable()) {
                        conn.read();
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            for (Connection conn : connections) {
                conn.lost("mqtt: publisher I/O stopped: " + e);
            }
        }
    }

    @Override
    public void close() {
        open = false;
        selector.wakeup();
        try {
            io.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalThreadStateException notStarted) {
            // closed while connecting
        }
        try {
            selector.close(); // deregisters the channels, so each can say goodbye in blocking mode
        } catch (IOException ignored) {
            // nothing left to release
        }
        for (Connection conn : connections) {
            conn.disconnect();
        }
    }

    /** One connection (a device's own, or shared): its unanswered publishes by packet id and the bytes not yet written. */
    static final class Connection {
        private static final int PUBLISH_QOS1 = 0x32;
        private static final int PUBACK = 0x40;
        private static final int DISCONNECT = 0xE0;

        final SocketChannel channel;
        final Semaphore window;
        private final String deviceId;
        private final Delivery[] outstanding = new Delivery[65_536];
        private ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        private int nextId = 1;
        private int unanswered;
        private boolean dirty;
        private String lost;

        private Connection(SocketChannel channel, int window, String deviceId) {
            this.channel = channel;
            this.window = new Semaphore(window);
            this.deviceId = deviceId;
        }

        /** @param deviceId the user to log in as, or null for an anonymous connection */
        static Connection open(InetSocketAddress broker, String deviceId, String password, Duration timeout)
                throws IOException {
            SocketChannel ch = SocketChannel.open();
            try {
                ch.socket().connect(broker, (int) timeout.toMillis());
                ch.socket().setTcpNoDelay(true);
                ch.socket().setSoTimeout((int) timeout.toMillis());
                String clientId = "vigil-sim-" + ProcessHandle.current().pid() + "-" + CLIENTS.incrementAndGet();
                ch.write(ByteBuffer.wrap(MqttPackets.connect(clientId, deviceId, password)));
                // blocking channels ignore SO_TIMEOUT; read through the socket's stream, which honours it
                MqttPackets.ConnAck ack = MqttPackets.readConnAck(ch.socket().getInputStream());
                if (ack.reasonCode() != 0) {
                    throw new IOException("broker refused " + (deviceId == null ? "an anonymous login" : deviceId)
                            + " with reason code 0x"
                            + Integer.toHexString(ack.reasonCode()));
                }
                int window = Math.max(1, Math.min(MAX_WINDOW, ack.receiveMaximum()));
                ch.configureBlocking(false);
                return new Connection(ch, window, deviceId == null ? clientId : deviceId);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }

        /** Appends one PUBLISH; null, or why it cannot be sent. */
        synchronized String queue(String topic, byte[] payload, String contentType, Delivery delivery) {
            if (lost != null) {
                return lost;
            }
            int id = nextId;
            while (outstanding[id] != null) { // a publish still unanswered 65,535 ids later keeps its id
                id = id == 65_535 ? 1 : id + 1;
            }
            nextId = id == 65_535 ? 1 : id + 1;
            outstanding[id] = delivery;
            unanswered++;
            byte[] packet = MqttPackets.publishQos1(topic, id, contentType, payload);
            if (out.remaining() < packet.length) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + packet.length));
                out.flip();
                bigger.put(out);
                out = bigger;
            }
            out.put(packet);
            return null;
        }

        /** True if the connection was clean: then the caller hands it to the I/O thread. */
        synchronized boolean markDirty() {
            boolean was = dirty;
            dirty = true;
            return !was;
        }

        /** Writes what is queued; waits for writability (OP_WRITE) when the socket takes only part. */
        void flush(Selector selector) {
            SelectionKey key = channel.keyFor(selector);
            synchronized (this) {
                dirty = false;
                if (lost != null) {
                    return;
                }
                try {
                    out.flip();
                    channel.write(out);
                    out.compact();
                } catch (IOException e) {
                    lostLocked("mqtt: connection of " + deviceId + " lost while writing: " + e.getMessage());
                    return;
                }
                if (key != null && key.isValid()) {
                    key.interestOps(out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
                            : SelectionKey.OP_READ);
                }
            }
        }

        /** Reads what the broker sent and settles the publishes it answered. */
        void read() {
            List<Runnable> outcomes = new ArrayList<>();
            synchronized (this) {
                try {
                    if (channel.read(in) < 0) {
                        lostLocked("mqtt: broker closed the connection of " + deviceId);
                        return;
                    }
                } catch (IOException e) {
                    lostLocked("mqtt: connection of " + deviceId + " lost: " + e.getMessage());
                    return;
                }
                in.flip();
                while (true) {
                    int start = in.position();
                    MqttPackets.Header h = MqttPackets.header(in);
                    if (h == null || in.remaining() < h.length()) {
                        in.position(start);
                        break;
                    }
                    int end = in.position() + h.length();
                    if ((h.type() & 0xF0) == PUBACK) {
                        int id = in.getShort() & 0xFFFF;
                        int reason = h.length() > 2 ? in.get() & 0xFF : 0;
                        Delivery d = outstanding[id];
                        outstanding[id] = null;
                        if (d != null) {
                            unanswered--;
                            window.release();
                            // 0x10 "no matching subscribers" is still a success; 0x80 and above are refusals
                            outcomes.add(reason < 0x80 ? d::acknowledged : () -> d.failed(
                                    "mqtt: broker refused the publish with reason code 0x" + Integer.toHexString(reason)));
                        }
                    } else if ((h.type() & 0xF0) == DISCONNECT) {
                        int reason = h.length() > 0 ? in.get() & 0xFF : 0;
                        lostLocked("mqtt: broker disconnected " + deviceId + " with reason code 0x"
                                + Integer.toHexString(reason));
                        return;
                    }
                    in.position(end);
                }
                in.compact();
            }
            outcomes.forEach(Runnable::run); // outside the lock: a delivery may take its time
        }

        synchronized void lost(String why) {
            lostLocked(why);
        }

        private void lostLocked(String why) {
            if (lost != null) {
                return;
            }
            lost = why;
            for (int id = 0; id < outstanding.length && unanswered > 0; id++) {
                Delivery d = outstanding[id];
                if (d != null) {
                    outstanding[id] = null;
                    unanswered--;
                    window.release();
                    d.failed(why);
                }
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // already gone
            }
        }

        void disconnect() {
            synchronized (this) {
                if (lost == null && channel.isOpen()) {
                    try {
                        channel.configureBlocking(true);
                        out.flip();
                        while (out.hasRemaining()) {
                            channel.write(out);
                        }
                        out.clear();
                        channel.write(ByteBuffer.wrap(new byte[] {(byte) DISCONNECT, 0}));
                    } catch (IOException | RuntimeException ignored) {
                        // closing anyway
                    }
                }
                lostLocked("mqtt: closed before the broker answered");
            }
        }
    }
}
