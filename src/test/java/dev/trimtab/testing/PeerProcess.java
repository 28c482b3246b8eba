package dev.trimtab.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real peer (Prometheus, Alertmanager...) run by a test as its own process, its output in
 * {@code <dir>/<name>.log}; closing stops it (SIGTERM, then SIGKILL after 20 s).
 */
public final class PeerProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private PeerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static PeerProcess start(Path dir, String name, List<String> command) {
        Path log = dir.resolve(name + ".log");
        try {
            return new PeerProcess(
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start(),
                    log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** What the peer printed so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * A scrape target for a real Prometheus, started on a free loopback port: {@code /metrics}
     * answers {@code exposition} in the text format. Stop it with {@code stop(0)}.
     */
    public static HttpServer scrapeTarget(String exposition) {
        try {
            HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] body = exposition.getBytes(StandardCharsets.UTF_8);
            target.createContext("/metrics", ex -> {
                ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            target.start();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A TCP port free on the loopback interface now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
