package io.github.instructshift.ffn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The labeller's HTTP protocol against a scripted local endpoint on 127.0.0.1. */
class OpenAiLabellerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A scripted reply: status, body, Retry-After header (or null), delay before answering. */
    record Reply(int status, String body, String retryAfter, long delayMs) {}

    private HttpServer server;
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<JsonNode> bodies = Collections.synchronizedList(new ArrayList<>());
    private final List<String> auth = Collections.synchronizedList(new ArrayList<>());
    private final List<String> paths = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    Path tmp;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            byte[] in = exchange.getRequestBody().readAllBytes();
            paths.add(exchange.getRequestURI().getPath());
            auth.add(exchange.getRequestHeaders().getFirst("Authorization"));
            try {
                bodies.add(JSON.readTree(in));
            } catch (IOException e) {
                bodies.add(null);
            }
            Reply r;
            synchronized (script) {
                r = script.isEmpty() ? new Reply(500, "script exhausted", null, 0) : script.poll();
            }
            try {
                Thread.sleep(r.delayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
            if (r.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", r.retryAfter());
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            try {
                exchange.sendResponseHeaders(r.status(), out.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            } catch (IOException e) {
                // the client gave up (timeout): nothing to answer
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    private ChatClient client(Path cache, int attempts, Duration timeout) {
        return new ChatClient(new ChatClient.Endpoint(base(), "test-model", "test-key", timeout, attempts,
                Duration.ofMillis(5), Duration.ofMillis(50), cache));
    }

    private static String answer(String content) {
        return JSON.createObjectNode().set("choices", JSON.createArrayNode().add(JSON.createObjectNode()
                .set("message", JSON.createObjectNode().put("role", "assistant").put("content", content)))).toString();
    }

    private void ok(String... contents) {
        for (String c : contents) {
            script.add(new Reply(200, answer(c), null, 0));
        }
    }

    @Test
    void threeStepsWithTheExpectedRequestShape() {
        ok("numbers and arithmetic.", "solving math problems; coding", "Semantics");
        OpenAiLabeller lab = new OpenAiLabeller(client(null, 3, Duration.ofSeconds(5)));
        ConceptLabel l = lab.label(List.of("one", "two", "plus"), 3);

        assertEquals(ConceptLabel.Status.LABELLED, l.status());
        assertEquals("numbers and arithmetic.", l.concept());
        assertEquals(Set.of(Task.MATH, Task.CODING), l.tasks());
        assertEquals(LinguisticLevel.SEMANTICS, l.level());
        assertEquals("openai", l.labeller());
        assertEquals("test-model", l.labelModel());
        assertEquals(3, l.seed());

        assertEquals(3, bodies.size());
        assertEquals(List.of("/v1/chat/completions", "/v1/chat/completions", "/v1/chat/completions"), paths);
        assertEquals("Bearer test-key", auth.get(0));
        JsonNode first = bodies.get(0);
        assertEquals("test-model", first.get("model").asText());
        assertEquals(3, first.get("seed").asLong());
        assertEquals(1.0, first.get("temperature").asDouble(), 0, "naming samples, so seeded runs differ");
        JsonNode msgs = first.get("messages");
        assertEquals("system", msgs.get(0).get("role").asText());
        assertEquals("user", msgs.get(msgs.size() - 1).get("role").asText());
        assertEquals("Words: one, two, plus.", msgs.get(msgs.size() - 1).get("content").asText());
        JsonNode second = bodies.get(1);
        assertEquals(0.0, second.get("temperature").asDouble(), 0);
        String asked = second.get("messages").get(second.get("messages").size() - 1).get("content").asText();
        assertEquals("Concept: Words are numbers and arithmetic.", asked);
        assertTrue(second.get("messages").get(0).get("content").asText().contains("translation"));
        assertTrue(bodies.get(2).get("messages").get(0).get("content").asText().contains("Phonology"));
    }

    @Test
    void cannotTellStopsAfterTheFirstQuestion() {
        ok("Cannot Tell");
        ConceptLabel l = new OpenAiLabeller(client(null, 3, Duration.ofSeconds(5))).label(List.of("a", "b"), 0);
        assertEquals(ConceptLabel.Status.CANNOT_TELL, l.status());
        assertEquals(1, bodies.size());
    }

    @Test
    void retriesAfter500And429HonouringRetryAfter() throws Exception {
        script.add(new Reply(500, "{\"error\":\"boom\"}", null, 0));
        script.add(new Reply(429, "{\"error\":\"slow down\"}", "0", 0));
        ok("dates.");
        ChatClient c = client(null, 5, Duration.ofSeconds(5));
        String got = c.complete(List.of(new ChatClient.Message("user", "hi")), 0, 1, 1);
        assertEquals("dates.", got);
        assertEquals(3, c.requestsSent());
        assertEquals(2, c.retries());
        assertEquals(0, c.failures());
    }

    @Test
    void retryAfterIsWaitedFor() throws Exception {
        script.add(new Reply(429, "{}", "0.3", 0));
        ok("x");
        ChatClient c = new ChatClient(new ChatClient.Endpoint(base(), "m", "", Duration.ofSeconds(5), 3,
                Duration.ofMillis(1), Duration.ofSeconds(5), null));
        long t0 = System.nanoTime();
        c.complete(List.of(new ChatClient.Message("user", "hi")), 0, 1, 1);
        double waited = (System.nanoTime() - t0) / 1e9;
        assertTrue(waited >= 0.29, "waited " + waited + " s, Retry-After said 0.3 s");
        assertNull(auth.get(0), "no Authorization header without a key");
    }

    @Test
    void cacheMeansASecondRunSendsNothing() {
        Path cache = tmp.resolve("cache");
        ok("dates.", "daily writing", "Semantics");
        ConceptLabel first = new OpenAiLabeller(client(cache, 3, Duration.ofSeconds(5))).label(List.of("may", "june"), 1);
        assertEquals(3, bodies.size());
        ChatClient again = client(cache, 3, Duration.ofSeconds(5));
        ConceptLabel second = new OpenAiLabeller(again).label(List.of("may", "june"), 1);
        assertEquals(3, bodies.size(), "the rerun must not send a request");
        assertEquals(0, again.requestsSent());
        assertEquals(3, again.cacheHits());
        assertEquals(first, second);
        // another seed is another question
        ok("months.", "daily writing", "Semantics");
        new OpenAiLabeller(client(cache, 3, Duration.ofSeconds(5))).label(List.of("may", "june"), 2);
        assertEquals(6, bodies.size());
    }

    @Test
    void timeoutsAndMalformedAnswersAreRetriedThenRecordedAsUnlabelled() {
        script.add(new Reply(200, answer("late"), null, 1500));
        script.add(new Reply(200, "this is not json", null, 0));
        script.add(new Reply(200, "{\"choices\":[]}", null, 0));
        ChatClient c = client(null, 3, Duration.ofMillis(300));
        ConceptLabel l = new OpenAiLabeller(c).label(List.of("x", "y"), 0);
        assertEquals(ConceptLabel.Status.UNLABELLED, l.status());
        assertTrue(l.error().contains("gave up after 3 attempts"), l.error());
        assertTrue(l.error().contains("malformed"), l.error());
        assertEquals(3, c.requestsSent());
        assertEquals(1, c.failures());
    }

    @Test
    void aFailingComponentDoesNotStopTheRunAndIsCounted() {
        // component 1: fine; component 2: malformed every time; with one worker the order is fixed
        ok("dates.", "daily writing", "Semantics");
        script.add(new Reply(200, "{oops", null, 0));
        script.add(new Reply(200, "{oops", null, 0));
        OpenAiLabeller lab = new OpenAiLabeller(client(null, 2, Duration.ofSeconds(5)));
        List<FfnConcepts.ComponentWords> comps = List.of(
                new FfnConcepts.ComponentWords("m", 0, 1, 0.5, List.of(new WordProjector.ScoredWord("may", 0.9))),
                new FfnConcepts.ComponentWords("m", 0, 2, 0.3, List.of(new WordProjector.ScoredWord("zz", 0.9))));
        List<LabelRecord> labels = FfnConcepts.label(comps, lab, new long[] {0}, 15, 1);
        assertEquals(2, labels.size());
        assertEquals(ConceptLabel.Status.LABELLED, labels.get(0).label().status());
        assertEquals(ConceptLabel.Status.UNLABELLED, labels.get(1).label().status());
        ConceptShares.RunShares run = ConceptShares.perRun(labels).get(0);
        assertEquals(1, run.unlabelled());
        assertEquals(1, run.explainable());
        assertEquals(1.0, run.explainableShare(), 0, "failures are out of the denominator");
    }

    @Test
    void aWrongKeyStopsAtOnceWithAClearError() {
        script.add(new Reply(401, "{\"error\":\"invalid api key\"}", null, 0));
        OpenAiLabeller lab = new OpenAiLabeller(client(null, 5, Duration.ofSeconds(5)));
        FfnException e = assertThrows(FfnException.class, () -> lab.label(List.of("a"), 0));
        assertTrue(e.getMessage().contains("401") && e.getMessage().contains("API key"), e.getMessage());
        assertEquals(1, bodies.size(), "no retries on 401");
    }

    @Test
    void answersAreParsedLikeTheAuthorsScoreThem() {
        assertEquals(Set.of(Task.DAILY_WRITING, Task.PROFESSIONAL_WRITING),
                OpenAiLabeller.parseTasks("Daily writing; Professional writing."));
        assertEquals(Set.of(Task.NONE), OpenAiLabeller.parseTasks("None"));
        assertEquals(Set.of(), OpenAiLabeller.parseTasks("I am not sure"));
        assertEquals(LinguisticLevel.MORPHOLOGY, OpenAiLabeller.parseLevel("Morphology (not semantics)"));
        assertEquals(LinguisticLevel.SYNTAX, OpenAiLabeller.parseLevel("syntactic"));
        assertNull(OpenAiLabeller.parseLevel("pragmatics"));
    }
}
