package io.vigil.gateway.mqtt;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Plain TCP sockets whose input is buffered, for the subscriber connections. Paho 1.2.5 reads each packet from the
 * raw socket stream a piece at a time (type byte, length bytes, body) and asks {@code available()} before each one:
 * four system calls per reading the broker delivers. Buffered, one read takes in every packet the kernel holds.
 */
final class BufferedInputSockets extends SocketFactory {
    static final BufferedInputSockets INSTANCE = new BufferedInputSockets();
    private static final int BUFFER_BYTES = 64 * 1024;

    private BufferedInputSockets() {}

    @Override
    public Socket createSocket() {
        return new BufferedInputSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = new BufferedInputSocket();
        s.bind(new InetSocketAddress(localHost, localPort));
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        Socket s = new BufferedInputSocket();
        s.bind(new InetSocketAddress(localAddress, localPort));
        s.connect(new InetSocketAddress(address, port));
        return s;
    }

    private static Socket connected(InetSocketAddress to) throws IOException {
        Socket s = new BufferedInputSocket();
        s.connect(to);
        return s;
    }

    private static final class BufferedInputSocket extends Socket {
        private InputStream in;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new AnsweringFromBuffer(super.getInputStream());
            }
            return in;
        }
    }

    /** {@code available()} answers from the buffer when it holds bytes, without asking the kernel again. */
    private static final class AnsweringFromBuffer extends BufferedInputStream {
        AnsweringFromBuffer(InputStream in) {
            super(in, BUFFER_BYTES);
        }

        @Override
        public synchronized int available() throws IOException {
            int buffered = count - pos;
            return buffered > 0 ? buffered : super.available();
        }
    }
}
