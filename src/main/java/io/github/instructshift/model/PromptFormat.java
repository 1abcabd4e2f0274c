package io.github.instructshift.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a user prompt is wrapped before tokenising. The paper feeds raw prompts to both models;
 * chat-tuned models are usually run with their own template, recorded with each result.
 */
public enum PromptFormat {
    /** The prompt as it is, with the tokenizer's own special tokens (BOS). */
    RAW,
    /** FastChat's {@code vicuna_v1.1} conversation template, as Vicuna was tuned. */
    VICUNA,
    /** The Stanford Alpaca instruction template (no input field). */
    ALPACA,
    /** The checkpoint's {@code chat_template} from {@code tokenizer_config.json}, rendered with Jinja. */
    CHAT;

    static final String VICUNA_SYSTEM = "A chat between a curious user and an artificial intelligence assistant. "
            + "The assistant gives helpful, detailed, and polite answers to the user's questions.";
    static final String ALPACA_PREAMBLE = "Below is an instruction that describes a task. "
            + "Write a response that appropriately completes the request.\n\n";

    /**
     * The text to tokenise and whether the tokenizer should add its special tokens (a chat template
     * writes BOS itself, so adding it again would double it, as transformers' apply_chat_template avoids).
     */
    public record Rendered(String text, boolean addSpecialTokens, int promptOffset) {}

    public static PromptFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown prompt format '" + name + "' (use raw, vicuna, alpaca or chat)");
        }
    }

    /** Wraps {@code prompt}; {@code promptOffset} says where the user's text starts in the result. */
    public Rendered render(String prompt, Checkpoint checkpoint) {
        return switch (this) {
            case RAW -> new Rendered(prompt, true, 0);
            case VICUNA -> wrap(VICUNA_SYSTEM + " USER: ", prompt, " ASSISTANT:");
            case ALPACA -> wrap(ALPACA_PREAMBLE + "### Instruction:\n", prompt, "\n\n### Response:\n");
            case CHAT -> chat(prompt, checkpoint);
        };
    }

    private static Rendered wrap(String before, String prompt, String after) {
        return new Rendered(before + prompt + after, true, before.length());
    }

    private static Rendered chat(String prompt, Checkpoint checkpoint) {
        JsonNode cfg = checkpoint.tokenizerConfig();
        String where = checkpoint.dir().resolve("tokenizer_config.json").toString();
        JsonNode template = cfg == null ? null : cfg.get("chat_template");
        if (template != null && template.isArray()) {             // named templates: take "default"
            JsonNode named = null;
            for (JsonNode t : template) {
                if ("default".equals(t.path("name").asText())) {
                    named = t.get("template");
                }
            }
            template = named;
        }
        if (template == null || !template.isTextual()) {
            throw new IllegalArgumentException(where + " has no chat_template; use --format raw, vicuna or alpaca");
        }
        Map<String, Object> context = new HashMap<>();
        context.put("messages", List.of(Map.of("role", "user", "content", prompt)));
        context.put("add_generation_prompt", true);
        context.put("bos_token", specialToken(cfg, "bos_token"));
        context.put("eos_token", specialToken(cfg, "eos_token"));
        Jinjava jinja = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).build());
        RenderResult result = jinja.renderForResult(template.asText(), context);
        List<TemplateError> fatal = result.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).toList();
        if (!fatal.isEmpty()) {
            throw new IllegalArgumentException(where + ": chat_template cannot be rendered here ("
                    + fatal.stream().map(TemplateError::getMessage).collect(Collectors.joining("; "))
                    + "); use --format raw, vicuna or alpaca");
        }
        String text = result.getOutput();
        int offset = text.indexOf(prompt);
        return new Rendered(text, false, Math.max(offset, 0));
    }

    private static String specialToken(JsonNode cfg, String field) {
        JsonNode n = cfg.get(field);
        if (n == null || n.isNull()) {
            return "";
        }
        return n.isObject() ? n.path("content").asText("") : n.asText();
    }
}
