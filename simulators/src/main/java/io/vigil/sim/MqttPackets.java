package io.vigil.sim;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The few MQTT 5 packets {@link LeanMqttTransport} sends and reads (OASIS MQTT 5.0, sections 2 and 3): CONNECT,
 * CONNACK, PUBLISH at QoS 1, and the fixed header of whatever comes back.
 */
final class MqttPackets {
    private static final int CONNECT = 0x10;
    private static final int CONNACK = 0x20;
    private static final int PROP_PAYLOAD_FORMAT = 0x01;
    private static final int PROP_CONTENT_TYPE = 0x03;
    private static final int PROP_RECEIVE_MAXIMUM = 0x21;
    private static final int MQTT5_DEFAULT_RECEIVE_MAXIMUM = 65_535;

    private MqttPackets() {}

    /** A packet's type byte and remaining length; the buffer is positioned after them. */
    record Header(int type, int length) {}

    /** What the broker answered to CONNECT. */
    record ConnAck(int reasonCode, int receiveMaximum) {}

    /** CONNECT with clean start, no keep-alive and no session; user name and password when {@code user} is set. */
    static byte[] connect(String clientId, String user, String password) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(5);
        body.write(user == null ? 0x02 : 0xC2); // clean start (+ user name and password)
        body.write(0); // keep-alive 0: the broker never drops the connection as idle
        body.write(0);
        body.write(0); // no properties
        writeString(body, clientId);
        if (user != null) {
            writeString(body, user);
            writeString(body, password);
        }
        return packet(CONNECT, body.toByteArray());
    }

    /** PUBLISH, QoS 1, not retained, with the content type and a UTF-8 payload format indicator. */
    static byte[] publishQos1(String topic, int packetId, String contentType, byte[] payload) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] ct = contentType.getBytes(StandardCharsets.UTF_8);
        int props = 2 + 3 + ct.length;
        int length = 2 + t.length + 2 + varIntSize(props) + props + payload.length;
        ByteBuffer b = ByteBuffer.allocate(1 + varIntSize(length) + length);
        b.put((byte) 0x32);
        putVarInt(b, length);
        b.putShort((short) t.length).put(t);
        b.putShort((short) packetId);
        putVarInt(b, props);
        b.put((byte) PROP_PAYLOAD_FORMAT).put((byte) 1);
        b.put((byte) PROP_CONTENT_TYPE).putShort((short) ct.length).put(ct);
        b.put(payload);
        return b.array();
    }

    /** Reads the CONNACK that answers a CONNECT, with the broker's Receive Maximum (65,535 when it sends none). */
    static ConnAck readConnAck(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int type = in.readUnsignedByte();
        int length = readVarInt(in);
        byte[] body = new byte[length];
        in.readFully(body);
        if ((type & 0xF0) != CONNACK || length < 2) {
            throw new IOException("expected CONNACK, got packet type 0x" + Integer.toHexString(type));
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        b.get(); // acknowledge flags
        int reason = b.get() & 0xFF;
        int receiveMaximum = MQTT5_DEFAULT_RECEIVE_MAXIMUM;
        if (b.hasRemaining()) {
            int end = getVarInt(b) + b.position();
            while (b.position() < end) {
                int id = b.get() & 0xFF;
                if (id == PROP_RECEIVE_MAXIMUM) {
                    receiveMaximum = b.getShort() & 0xFFFF;
                } else {
                    skipProperty(b, id);
                }
            }
        }
        return new ConnAck(reason, receiveMaximum);
    }

    /** The next packet's fixed header, or null if the buffer does not hold all of it yet. */
    static Header header(ByteBuffer b) {
        if (b.remaining() < 2) {
            return null;
        }
        int type = b.get() & 0xFF;
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            if (!b.hasRemaining()) {
                return null;
            }
            int digit = b.get() & 0xFF;
            value |= (digit & 0x7F) << shift;
            if ((digit & 0x80) == 0) {
                return new Header(type, value);
            }
        }
        throw new IllegalStateException("malformed remaining length from the broker");
    }

    private static void skipProperty(ByteBuffer b, int id) {
        switch (id) {
            case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> b.get();
            case 0x13, 0x21, 0x22, 0x23 -> b.getShort();
            case 0x02, 0x11, 0x18, 0x27 -> b.getInt();
            case 0x0B -> getVarInt(b);
            case 0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1A, 0x1C, 0x1F -> b.position(b.position() + (b.getShort() & 0xFFFF));
            case 0x26 -> {
                b.position(b.position() + (b.getShort() & 0xFFFF));
                b.position(b.position() + (b.getShort() & 0xFFFF));
            }
            default -> throw new IllegalStateException("unknown CONNACK property 0x" + Integer.toHexString(id));
        }
    }

    private static byte[] packet(int type, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(1 + varIntSize(body.length) + body.length);
        b.put((byte) type);
        putVarInt(b, body.length);
        b.put(body);
        return b.array();
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xFF);
        out.writeBytes(bytes);
    }

    static int varIntSize(int value) {
        return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
    }

    static void putVarInt(ByteBuffer b, int value) {
        int v = value;
        do {
            int digit = v & 0x7F;
            v >>>= 7;
            b.put((byte) (v > 0 ? digit | 0x80 : digit));
        } while (v > 0);
    }

    private static int getVarInt(ByteBuffer b) {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            int digit = b.get() & 0xFF;
            value |= (digit & 0x7F) << shift;
            if ((digit & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalStateException("malformed variable byte integer");
    }

    private static int readVarInt(DataInputStream in) throws IOException {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            int digit = in.read();
            if (digit < 0) {
                throw new EOFException("connection closed inside a packet header");
            }
            value |= (digit & 0x7F) << shift;
            if ((digit & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("malformed remaining length from the broker");
    }
}
