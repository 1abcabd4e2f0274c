package io.github.instructshift.ffn;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Which concept labeller to use, as the {@code ffn} command and the notebooks name it: {@code offline}
 * (the lexicon stand-in) or {@code openai} (an OpenAI-compatible chat endpoint, the paper's ChatGPT).
 *
 * @param kind     {@code offline} or {@code openai}
 * @param endpoint base URL of the chat endpoint (openai only)
 * @param model    chat model of the endpoint (openai only)
 * @param keyEnv   name of the environment variable holding the API key (may be unset for keyless endpoints)
 */
public record LabellerSpec(String kind, URI endpoint, String model, String keyEnv) {
    public static final String DEFAULT_KEY_ENV = "OPENAI_API_KEY";

    public LabellerSpec {
        kind = kind == null ? "offline" : kind.trim();
        keyEnv = keyEnv == null || keyEnv.isBlank() ? DEFAULT_KEY_ENV : keyEnv.trim();
    }

    public static LabellerSpec offline() {
        return new LabellerSpec("offline", null, null, null);
    }

    public boolean isOffline() {
        return kind.equals("offline");
    }

    /**
     * The labeller; an {@link FfnException} says which part is missing. {@code names} gives the user's
     * names of the endpoint and model settings (e.g. {@code --endpoint}, {@code labeller_endpoint}).
     */
    public ConceptLabeller open(Map<String, String> env, Path cacheDir, Duration timeout, String endpointName,
                                String modelName) {
        return open(env, cacheDir, timeout, ChatClient.Endpoint.DEFAULT_MAX_CONSECUTIVE_FAILURES, endpointName, modelName);
    }

    /** As {@link #open(Map, Path, Duration, String, String)}, stopping after {@code maxFailures} failed requests in a row. */
    public ConceptLabeller open(Map<String, String> env, Path cacheDir, Duration timeout, int maxFailures,
                                String endpointName, String modelName) {
        switch (kind) {
            case "offline":
                return new OfflineLabeller();
            case "openai":
                if (endpoint == null || model == null || model.isBlank()) {
                    throw new FfnException("the openai labeller needs " + endpointName + " URL and " + modelName + " NAME");
                }
                ChatClient.Endpoint e = new ChatClient.Endpoint(endpoint, model, env.get(keyEnv), timeout, 6,
                        Duration.ofSeconds(1), Duration.ofSeconds(60), cacheDir).withMaxConsecutiveFailures(maxFailures);
                return new OpenAiLabeller(new ChatClient(e));
            default:
                throw new FfnException("the labeller must be offline or openai, got '" + kind + "'");
        }
    }
}
