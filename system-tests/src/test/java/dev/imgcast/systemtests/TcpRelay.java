package dev.imgcast.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP relay in the root namespace, from the lab's server address to a local service that only
 * listens on 127.0.0.1 (this machine's RabbitMQ): what the lab's hosts need to reach it.
 */
public final class TcpRelay implements AutoCloseable {
    private final ServerSocket server;

    public TcpRelay(String listenAddress, int listenPort, int targetPort) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(listenAddress), listenPort));
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    pump(client, target);
                    pump(target, client);
                } catch (IOException e) {
                    // closed, or a connection that failed: the client sees it
                }
            }
        }, "relay-" + listenPort);
        accept.setDaemon(true);
        accept.start();
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the other side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
