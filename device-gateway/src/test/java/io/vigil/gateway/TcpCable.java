package io.vigil.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP link from a client to a server port that a test can pull out and plug back in. Unplugged, it cuts
 * the connections it carries and accepts-and-closes new ones (counting them), so the test decides when the client
 * reaches the server again instead of racing the client's reconnect timer.
 */
final class TcpCable implements AutoCloseable {
    private final int serverPort;
    private final ServerSocket listener;
    private final Set<Socket> carried = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();
    private boolean plugged = true;

    TcpCable(int serverPort) throws IOException {
        this.serverPort = serverPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-cable-" + serverPort);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "tcp://127.0.0.1:" + listener.getLocalPort();
    }

    /** Cuts every carried connection; later ones are accepted and closed at once until {@link #plug()}. */
    synchronized void unplug() {
        plugged = false;
        for (Socket s : carried) {
            closeQuietly(s);
        }
        carried.clear();
    }

    synchronized void plug() {
        plugged = true;
    }

    private synchronized boolean isPlugged() {
        return plugged;
    }

    /** Whether a client is connected through the cable now. */
    boolean carrying() {
        return !carried.isEmpty();
    }

    /** Connections closed at once because the cable was unplugged. */
    int refused() {
        return refused.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            if (!isPlugged()) {
                refused.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            Socket server;
            try {
                server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
            } catch (IOException serverDown) {
                closeQuietly(client);
                continue;
            }
            synchronized (this) {
                if (!plugged) { // pulled out while this one was being connected
                    refused.incrementAndGet();
                    closeQuietly(client);
                    closeQuietly(server);
                    continue;
                }
                carried.add(client);
                carried.add(server);
            }
            pump(client, server);
            pump(server, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException cut) {
                // unplugged, or one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                carried.remove(from);
                carried.remove(to);
            }
        }, "tcp-cable-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        unplug();
    }
}
