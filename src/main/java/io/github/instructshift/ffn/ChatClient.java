package io.github.instructshift.ffn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of any OpenAI-compatible {@code /chat/completions} endpoint with what a long labelling run
 * needs: a timeout per request, retries with exponential backoff after timeouts, I/O errors, 5xx and
 * malformed answers, {@code 429} handled by waiting for {@code Retry-After}, and an on-disk cache keyed
 * by the request body so that a rerun asks nothing twice. A wrong key, URL or model (401, 403, 404)
 * fails at once with an {@link FfnException}: every later request would fail the same way.
 */
public final class ChatClient {
    private static final Logger LOG = LoggerFactory.getLogger(ChatClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Where and how to ask.
     *
     * @param baseUrl     e.g. {@code https://api.openai.com/v1}; {@code /chat/completions} is appended
     * @param model       the chat model
     * @param apiKey      bearer token, or empty for endpoints without one (never hard-coded: the CLI reads it from the environment)
     * @param timeout     per request
     * @param maxAttempts tries per request (1 = no retry)
     * @param backoff     wait before the 2nd try; doubled each time up to {@code maxBackoff}
     * @param maxBackoff  cap of any wait, Retry-After included
     * @param cacheDir    answers cache, or null for none
     */
    public record Endpoint(URI baseUrl, String model, String apiKey, Duration timeout, int maxAttempts, Duration backoff,
                           Duration maxBackoff, Path cacheDir) {
        public Endpoint {
            if (baseUrl == null || model == null || model.isBlank()) {
                throw new FfnException("a chat endpoint needs a base URL and a model name");
            }
            if (maxAttempts < 1) {
                throw new FfnException("maxAttempts must be >= 1, got " + maxAttempts);
            }
            apiKey = apiKey == null ? "" : apiKey;
        }

        public static Endpoint of(URI baseUrl, String model, String apiKey, Path cacheDir) {
            return new Endpoint(baseUrl, model, apiKey, Duration.ofSeconds(60), 6, Duration.ofSeconds(1),
                    Duration.ofSeconds(60), cacheDir);
        }
    }

    /** One chat message. */
    public record Message(String role, String content) {}

    /** The request could not be answered after every retry; the message says what went wrong last. */
    public static final class ChatFailure extends Exception {
        public ChatFailure(String message) {
            super(message);
        }
    }

    private final Endpoint endpoint;
    private final HttpClient http;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger cacheHits = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();

    public ChatClient(Endpoint endpoint) {
        this.endpoint = endpoint;
        this.http = HttpClient.newBuilder().connectTimeout(endpoint.timeout()).build();
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** HTTP requests sent (retries included). */
    public int requestsSent() {
        return sent.get();
    }

    public int cacheHits() {
        return cacheHits.get();
    }

    public int retries() {
        return retries.get();
    }

    /** Requests given up after every retry. */
    public int failures() {
        return failures.get();
    }

    /** The assistant's answer to {@code messages}; cached answers are returned without a request. */
    public String complete(List<Message> messages, double temperature, double topP, long seed) throws ChatFailure {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", endpoint.model());
        ArrayNode msgs = body.putArray("messages");
        for (Message m : messages) {
            msgs.addObject().put("role", m.role()).put("content", m.content());
        }
        body.put("temperature", temperature);
        body.put("top_p", topP);
        body.put("seed", seed);
        String json = body.toString();
        Path cached = cacheFile(json);
        if (cached != null && Files.isRegularFile(cached)) {
            try {
                String content = JSON.readTree(cached.toFile()).path("content").asText(null);
                if (content != null) {
                    cacheHits.incrementAndGet();
                    return content;
                }
            } catch (IOException e) {
                LOG.warn("ignoring unreadable cache entry {}: {}", cached, e.getMessage());
            }
        }
        String content = send(json);
        if (cached != null) {
            store(cached, content);
        }
        return content;
    }

    private String send(String json) throws ChatFailure {
        URI uri = URI.create(endpoint.baseUrl().toString().replaceAll("/+$", "") + "/chat/completions");
        String last = "no attempt made";
        for (int attempt = 1; attempt <= endpoint.maxAttempts(); attempt++) {
            if (attempt > 1) {
                retries.incrementAndGet();
            }
            Duration wait = backoff(attempt);
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(endpoint.timeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
            if (!endpoint.apiKey().isEmpty()) {
                rb.header("Authorization", "Bearer " + endpoint.apiKey());
            }
            try {
                sent.incrementAndGet();
                HttpResponse<String> resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int code = resp.statusCode();
                if (code == 200) {
                    String content = parse(resp.body());
                    if (content != null) {
                        return content;
                    }
                    last = "malformed answer (no choices[0].message.content): " + snippet(resp.body());
                } else if (code == 429) {
                    last = "rate limited (429)";
                    wait = retryAfter(resp).orElse(wait);
                } else if (code == 401 || code == 403 || code == 404) {
                    throw new FfnException(uri + " answered " + code + " (check the base URL, the API key and the model '"
                            + endpoint.model() + "'): " + snippet(resp.body()));
                } else if (code >= 500) {
                    last = "server error " + code + ": " + snippet(resp.body());
                } else {
                    failures.incrementAndGet();
                    throw new ChatFailure(uri + " refused the request with " + code + ": " + snippet(resp.body()));
                }
            } catch (HttpTimeoutException e) {
                last = "timed out after " + endpoint.timeout().toMillis() + " ms";
            } catch (IOException e) {
                last = "I/O error: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.incrementAndGet();
                throw new ChatFailure("interrupted");
            }
            if (attempt < endpoint.maxAttempts()) {
                LOG.debug("attempt {} of {} failed ({}); waiting {} ms", attempt, endpoint.maxAttempts(), last, wait.toMillis());
                sleep(wait);
            }
        }
        failures.incrementAndGet();
        throw new ChatFailure("gave up after " + endpoint.maxAttempts() + " attempts; last: " + last);
    }

    private Duration backoff(int attempt) {
        long ms = endpoint.backoff().toMillis() << Math.min(20, attempt - 1);
        return Duration.ofMillis(Math.min(ms, endpoint.maxBackoff().toMillis()));
    }

    private java.util.Optional<Duration> retryAfter(HttpResponse<?> resp) {
        return resp.headers().firstValue("Retry-After").map(v -> {
            Duration d;
            try {
                d = Duration.ofMillis((long) (Double.parseDouble(v.trim()) * 1000));
            } catch (NumberFormatException e) {
                try {
                    d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                } catch (DateTimeParseException e2) {
                    d = endpoint.backoff();
                }
            }
            if (d.isNegative()) {
                d = Duration.ZERO;
            }
            return d.compareTo(endpoint.maxBackoff()) > 0 ? endpoint.maxBackoff() : d;
        });
    }

    private static String parse(String body) {
        try {
            JsonNode content = JSON.readTree(body).path("choices").path(0).path("message").path("content");
            return content.isTextual() ? content.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String snippet(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }

    private static void sleep(Duration d) throws ChatFailure {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatFailure("interrupted");
        }
    }

    private Path cacheFile(String requestJson) {
        if (endpoint.cacheDir() == null) {
            return null;
        }
        try {
            // the key covers the base URL too, so two endpoints serving one model name never share answers
            byte[] h = MessageDigest.getInstance("SHA-256").digest(
                    (endpoint.baseUrl() + "\n" + requestJson).getBytes(StandardCharsets.UTF_8));
            String hex = HexFormat.of().formatHex(h);
            return endpoint.cacheDir().resolve(hex.substring(0, 2)).resolve(hex + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void store(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "answer", ".tmp");
            ObjectNode n = JSON.createObjectNode().put("content", content);
            Files.writeString(tmp, n.toString(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("could not cache an answer in {}: {}", file, e.getMessage());
        }
    }
}
