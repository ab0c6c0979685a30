package dev.imgcast.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;

/**
 * A stand-in for a packaged service, packed into a jar by {@link PackagedAppTest}: {@code ready}
 * logs what Quarkus logs once it listens, {@code die} fails at start, {@code silent} never gets
 * ready, {@code http PORT} answers its health URL after a second; {@code env NAME} and
 * {@code property NAME} print what it was given.
 */
public final class FakeApp {
    private FakeApp() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "ready" -> {
                System.out.println("fake 1.0 on JVM started in 0.100s. Listening on: http://127.0.0.1:1");
                System.out.println("env " + System.getenv("FAKE_ENV") + " property " + System.getProperty("fake.property"));
            }
            case "die" -> {
                for (int i = 0; i < 100; i++) {
                    System.out.println("start-up line " + i);
                }
                System.out.println("boom: the database is not there");
                System.exit(3);
            }
            case "http" -> {
                Thread.sleep(1000);
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])), 0);
                server.createContext("/q/health/ready", exchange -> {
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
                server.start();
            }
            default -> System.out.println("saying nothing");
        }
        System.out.flush();
        Thread.sleep(60_000);
    }
}
