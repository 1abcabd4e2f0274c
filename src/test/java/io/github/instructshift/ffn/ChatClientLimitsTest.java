package io.github.instructshift.ffn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The chat client against hostile servers on 127.0.0.1: a body dripped byte by byte, a runaway body,
 * an endpoint failing every request, and URLs that cannot be asked. Each server is a raw socket so
 * that the test controls every byte and its timing; every test is bounded in time.
 */
class ChatClientLimitsTest {
    private static final List<ChatClient.Message> ASK = List.of(new ChatClient.Message("user", "Words: a, b."));

    /** What a scripted server does with one accepted connection (after reading the request). */
    interface Behaviour {
        void answer(OutputStream out) throws IOException, InterruptedException;
    }

    private ServerSocket server;
    private Thread acceptor;
    private final AtomicInteger requests = new AtomicInteger();

    private URI serve(Behaviour behaviour) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    requests.incrementAndGet();
                    readRequest(s.getInputStream());
                    behaviour.answer(s.getOutputStream());
                } catch (IOException | InterruptedException e) {
                    // the client hung up or the test ended
                }
            }
        }, "hostile-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1");
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (acceptor != null) {
            acceptor.interrupt();
        }
    }

    /** Reads headers and a Content-Length body so the client's write completes. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
    }

    private static String answer(String content) {
        return "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"}}]}";
    }

    private static ChatClient client(URI base, int attempts, Duration timeout) {
        return new ChatClient(new ChatClient.Endpoint(base, "m", "", timeout, attempts, Duration.ofMillis(5),
                Duration.ofMillis(20), null));
    }

    @Test
    void theTimeoutCoversTheBodyOfAServerThatDrips() throws Exception {
        String body = answer("dripped");
        URI base = serve(out -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (byte b : body.getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
                Thread.sleep(200);   // the whole body would take about 10 s
            }
        });
        ChatClient c = client(base, 2, Duration.ofMillis(700));
        long t0 = System.nanoTime();
        ChatClient.ChatFailure e = assertTimeoutPreemptively(Duration.ofSeconds(8),
                () -> assertThrows(ChatClient.ChatFailure.class, () -> c.complete(ASK, 0, 1, 0)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(e.getMessage().contains("timed out after 700 ms"), e.getMessage());
        assertTrue(seconds < 4, "two attempts of 0.7 s each, took " + seconds + " s");
        assertEquals(2, c.requestsSent());
    }

    @Test
    void aRunawayBodyIsCutAtTheCapAndNotRetried() throws Exception {
        URI base = serve(out -> {
            // no Content-Length: the cap must stop the download itself, not trust a header
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            for (int i = 0; i < 800; i++) {   // 50 MB if nobody stops it
                out.write(chunk);
            }
        });
        ChatClient c = new ChatClient(new ChatClient.Endpoint(base, "m", "", Duration.ofSeconds(20), 6,
                Duration.ofMillis(5), Duration.ofMillis(20), null).withMaxBodyBytes(1 << 20));
        ChatClient.ChatFailure e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(ChatClient.ChatFailure.class, () -> c.complete(ASK, 0, 1, 0)));
        assertTrue(e.getMessage().contains("larger than the 1048576-byte cap"), e.getMessage());
        assertEquals(1, c.requestsSent(), "a body over the cap is not asked for again");
    }

    @Test
    void aDeclaredLengthOverTheCapIsRefusedBeforeTheBody() throws Exception {
        URI base = serve(out -> out.write(("HTTP/1.1 200 OK\r\nContent-Length: 52428800\r\n\r\n{")
                .getBytes(StandardCharsets.US_ASCII)));
        ChatClient c = client(base, 3, Duration.ofSeconds(5));
        ChatClient.ChatFailure e = assertThrows(ChatClient.ChatFailure.class, () -> c.complete(ASK, 0, 1, 0));
        assertTrue(e.getMessage().contains("Content-Length 52428800"), e.getMessage());
    }

    @Test
    void anEndpointThatAlwaysFailsStopsTheRunAfterTheConfiguredFailuresInARow() throws Exception {
        String body = "{\"choices\":[]}";
        URI base = serve(out -> out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII)));
        ChatClient c = new ChatClient(new ChatClient.Endpoint(base, "m", "", Duration.ofSeconds(5), 2,
                Duration.ofMillis(1), Duration.ofMillis(5), null).withMaxConsecutiveFailures(3));
        OpenAiLabeller lab = new OpenAiLabeller(c);
        List<FfnConcepts.ComponentWords> comps = new java.util.ArrayList<>();
        for (int rank = 1; rank <= 20; rank++) {
            comps.add(new FfnConcepts.ComponentWords("m", 0, rank, 0.1,
                    List.of(new WordProjector.ScoredWord("w" + rank, 0.5))));
        }
        LabellingFailure e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(LabellingFailure.class, () -> FfnConcepts.label(comps, lab, new long[] {0}, 15, 1)));
        assertTrue(e.getMessage().startsWith("3 requests in a row"), e.getMessage());
        assertEquals(6, c.requestsSent(), "3 labels x 2 attempts, then the breaker; not 20 x 2");
    }

    @Test
    void aSuccessResetsTheFailureCount() throws Exception {
        AtomicInteger n = new AtomicInteger();
        URI base = serve(out -> {
            // fail, fail, answer, fail, fail, answer ...: never 3 in a row
            String body = n.incrementAndGet() % 3 == 0 ? answer("ok") : "{\"choices\":[]}";
            // the server closes each connection: say so, or the client may reuse a closed one and count an
            // I/O error the test did not script (a flaky third failure in a row)
            out.write(("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
        });
        ChatClient c = new ChatClient(new ChatClient.Endpoint(base, "m", "", Duration.ofSeconds(5), 1,
                Duration.ofMillis(1), Duration.ofMillis(5), null).withMaxConsecutiveFailures(3));
        int answered = 0;
        for (int i = 0; i < 9; i++) {
            try {
                c.complete(List.of(new ChatClient.Message("user", "q" + i)), 0, 1, i);
                answered++;
            } catch (ChatClient.ChatFailure expected) {
                // two of every three fail
            }
        }
        assertEquals(3, answered);
    }

    @Test
    void urlsThatCannotBeAskedAreRefusedUpFront() {
        for (String bad : new String[] {"ftp://host/v1", "localhost:8080/v1", "http:///v1", "https://h/v1?x=1", "/v1"}) {
            FfnException e = assertThrows(FfnException.class,
                    () -> ChatClient.Endpoint.of(URI.create(bad), "m", "", null), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        ChatClient.Endpoint.of(URI.create("https://api.example.org/v1"), "m", "", null);
        ChatClient.Endpoint.of(URI.create("http://127.0.0.1:8000/v1"), "m", "", null);
    }
}
