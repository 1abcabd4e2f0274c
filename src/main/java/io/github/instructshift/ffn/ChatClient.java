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
import java.nio.ByteBuffer;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of any OpenAI-compatible {@code /chat/completions} endpoint with what a long labelling run
 * needs: a timeout per request, retries with exponential backoff after timeouts, I/O errors, 5xx and
 * malformed answers, {@code 429} handled by waiting for {@code Retry-After}, and an on-disk cache keyed
 * by the request body so that a rerun asks nothing twice. A wrong key, URL or model (401, 403, 404)
 * fails at once with an {@link FfnException}: every later request would fail the same way.
 *
 * <p>Hostile or broken servers are bounded: the timeout is a deadline for the whole request, the body
 * included (a server that drips one byte at a time cannot hold a run), an answer body larger than
 * {@link Endpoint#maxBodyBytes} is cut off and refused (never retried: it would come back as large), and
 * after {@link Endpoint#maxConsecutiveFailures} requests in a row that fail after every retry the client
 * stops the run with a {@link LabellingFailure} instead of trying every remaining label.
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
     * @param maxBodyBytes largest answer body accepted
     * @param maxConsecutiveFailures requests in a row given up after every retry before the run is stopped
     */
    public record Endpoint(URI baseUrl, String model, String apiKey, Duration timeout, int maxAttempts, Duration backoff,
                           Duration maxBackoff, Path cacheDir, long maxBodyBytes, int maxConsecutiveFailures) {
        /** An answer is a few hundred bytes; 4 MiB leaves room for any real server and none for a runaway one. */
        public static final long DEFAULT_MAX_BODY_BYTES = 4L << 20;
        public static final int DEFAULT_MAX_CONSECUTIVE_FAILURES = 5;

        public Endpoint {
            if (baseUrl == null || model == null || model.isBlank()) {
                throw new FfnException("a chat endpoint needs a base URL and a model name");
            }
            checkUrl(baseUrl);
            if (maxAttempts < 1) {
                throw new FfnException("maxAttempts must be >= 1, got " + maxAttempts);
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new FfnException("the request timeout must be positive, got " + timeout);
            }
            if (maxBodyBytes < 1 || maxConsecutiveFailures < 1) {
                throw new FfnException("maxBodyBytes and maxConsecutiveFailures must be >= 1, got " + maxBodyBytes
                        + " and " + maxConsecutiveFailures);
            }
            apiKey = apiKey == null ? "" : apiKey;
        }

        public Endpoint(URI baseUrl, String model, String apiKey, Duration timeout, int maxAttempts, Duration backoff,
                        Duration maxBackoff, Path cacheDir) {
            this(baseUrl, model, apiKey, timeout, maxAttempts, backoff, maxBackoff, cacheDir, DEFAULT_MAX_BODY_BYTES,
                    DEFAULT_MAX_CONSECUTIVE_FAILURES);
        }

        public static Endpoint of(URI baseUrl, String model, String apiKey, Path cacheDir) {
            return new Endpoint(baseUrl, model, apiKey, Duration.ofSeconds(60), 6, Duration.ofSeconds(1),
                    Duration.ofSeconds(60), cacheDir);
        }

        /** A copy that stops the run after {@code n} consecutive failed requests. */
        public Endpoint withMaxConsecutiveFailures(int n) {
            return new Endpoint(baseUrl, model, apiKey, timeout, maxAttempts, backoff, maxBackoff, cacheDir, maxBodyBytes, n);
        }

        /** A copy that refuses answer bodies above {@code bytes}. */
        public Endpoint withMaxBodyBytes(long bytes) {
            return new Endpoint(baseUrl, model, apiKey, timeout, maxAttempts, backoff, maxBackoff, cacheDir, bytes,
                    maxConsecutiveFailures);
        }

        /** Refused up front, before any work: only absolute http(s) URLs with a host can be asked. */
        private static void checkUrl(URI url) {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new FfnException("endpoint URL '" + url + "' must start with http:// or https://");
            }
            if (url.getHost() == null || url.getHost().isBlank()) {
                throw new FfnException("endpoint URL '" + url + "' has no host");
            }
            if (url.getRawQuery() != null || url.getRawFragment() != null) {
                throw new FfnException("endpoint URL '" + url + "' must be a base URL without ?query or #fragment "
                        + "(/chat/completions is appended)");
            }
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
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile String tripped;

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
        String stop = tripped;
        if (stop != null) {
            // the breaker stays open: requests already queued by other workers send nothing more
            throw new LabellingFailure(stop);
        }
        String content;
        try {
            content = send(json);
        } catch (ChatFailure e) {
            int inRow = consecutiveFailures.incrementAndGet();
            if (inRow >= endpoint.maxConsecutiveFailures()) {
                tripped = inRow + " requests in a row to " + endpoint.baseUrl() + " failed after every retry; "
                        + "stopping the run (answers so far are cached; rerun to resume). Last: " + e.getMessage();
                throw new LabellingFailure(tripped);
            }
            throw e;
        }
        consecutiveFailures.set(0);
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
                HttpResponse<String> resp = exchange(rb.build());
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
            } catch (HttpTimeoutException | TimeoutException e) {
                last = "timed out after " + endpoint.timeout().toMillis() + " ms (headers and body)";
            } catch (BodyTooLarge e) {
                failures.incrementAndGet();
                throw new ChatFailure(uri + " sent an answer larger than the " + endpoint.maxBodyBytes()
                        + "-byte cap (" + e.getMessage() + "); not retried");
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

    /** The answer over the cap: refused, never retried. */
    private static final class BodyTooLarge extends IOException {
        BodyTooLarge(String message) {
            super(message);
        }
    }

    /**
     * One request whose whole exchange, body included, must end within the timeout: HttpClient's own
     * request timeout stops at the headers, so a server dripping its body would otherwise hold the run.
     */
    private HttpResponse<String> exchange(HttpRequest request) throws IOException, InterruptedException, TimeoutException {
        CompletableFuture<HttpResponse<String>> f = http.sendAsync(request, info -> capped(info, endpoint.maxBodyBytes()));
        try {
            return f.get(endpoint.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            // HttpClient wraps the subscriber's failure; the cap's own exception says what happened
            IOException firstIo = null;
            for (Throwable c = e.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (c instanceof BodyTooLarge big) {
                    throw big;
                }
                if (firstIo == null && c instanceof IOException io) {
                    firstIo = io;
                }
            }
            throw firstIo != null ? firstIo : new IOException(String.valueOf(e.getCause()), e.getCause());
        }
    }

    /** A body subscriber that keeps at most {@code cap} bytes and fails the exchange past it. */
    private static HttpResponse.BodySubscriber<String> capped(HttpResponse.ResponseInfo info, long cap) {
        long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
        return new CappedSubscriber(cap, declared > cap ? "Content-Length " + declared : null);
    }

    private static final class CappedSubscriber implements HttpResponse.BodySubscriber<String> {
        private final long cap;
        private final String refusedUpFront;
        private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedSubscriber(long cap, String refusedUpFront) {
            this.cap = cap;
            this.refusedUpFront = refusedUpFront;
        }

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (refusedUpFront != null) {
                s.cancel();
                result.completeExceptionally(new BodyTooLarge(refusedUpFront));
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (buffer.size() + (long) b.remaining() > cap) {
                    subscription.cancel();
                    result.completeExceptionally(new BodyTooLarge("more than " + cap + " bytes received"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                buffer.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toString(StandardCharsets.UTF_8));
        }
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
