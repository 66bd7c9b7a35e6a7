package io.vigil.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The subscriber's sockets hand Paho the same bytes, however the broker's packets are split. */
class BufferedInputSocketsTest {

    @Test
    void packetsSplitAcrossWritesArriveWholeAndAvailableCountsWhatIsBuffered() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = BufferedInputSockets.INSTANCE.createSocket(InetAddress.getLoopbackAddress(),
                     server.getLocalPort());
             Socket broker = server.accept()) {
            OutputStream out = broker.getOutputStream();
            // two PUBACK-sized packets in one write, then a packet whose body comes in a second write
            out.write(new byte[] {0x40, 2, 0, 1, 0x40, 2, 0, 2, 0x30, 5, 'a'});
            out.flush();
            DataInputStream in = new DataInputStream(client.getInputStream());
            assertThat(in.readByte()).isEqualTo((byte) 0x40);
            assertThat(in.available()).as("the rest of the first write, from the buffer").isEqualTo(10);
            byte[] firstRest = new byte[10];
            in.readFully(firstRest);
            assertThat(firstRest).containsExactly(2, 0, 1, 0x40, 2, 0, 2, 0x30, 5, 'a');
            out.write(new byte[] {'b', 'c', 'd', 'e'});
            out.flush();
            byte[] body = new byte[4];
            in.readFully(body);
            assertThat(new String(body, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("bcde");
            assertThat(client.getInputStream()).as("one stream per socket").isSameAs(client.getInputStream());
            broker.close();
            InputStream raw = client.getInputStream();
            assertThat(raw.read()).as("end of stream once the broker closes").isEqualTo(-1);
        }
    }
}
