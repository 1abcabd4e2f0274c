package io.github.instructshift.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.instructshift.testing.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptFormatTest {
    @TempDir
    Path tmp;

    private Checkpoint withChatTemplate(String template) throws IOException {
        Path src = Shared.fixture("tiny-llama");
        Path dir = tmp.resolve("chat");
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode cfg = (ObjectNode) json.readTree(dir.resolve("tokenizer_config.json").toFile());
        if (template != null) {
            cfg.put("chat_template", template);
        }
        json.writeValue(dir.resolve("tokenizer_config.json").toFile(), cfg);
        return Checkpoint.open(dir);
    }

    @Test
    void vicunaAndAlpacaAreTheReleasedTemplates() {
        Checkpoint ckpt = Checkpoint.open(Shared.fixture("tiny-llama"));
        PromptFormat.Rendered v = PromptFormat.VICUNA.render("Name a colour.", ckpt);
        assertEquals("A chat between a curious user and an artificial intelligence assistant. The assistant gives "
                + "helpful, detailed, and polite answers to the user's questions. USER: Name a colour. ASSISTANT:", v.text());
        assertEquals("Name a colour.", v.text().substring(v.promptOffset(), v.promptOffset() + 14));
        PromptFormat.Rendered a = PromptFormat.ALPACA.render("Name a colour.", ckpt);
        assertEquals("Below is an instruction that describes a task. Write a response that appropriately completes "
                + "the request.\n\n### Instruction:\nName a colour.\n\n### Response:\n", a.text());
        assertTrue(v.addSpecialTokens() && a.addSpecialTokens());
        assertEquals(new PromptFormat.Rendered("x", true, 0), PromptFormat.RAW.render("x", ckpt));
    }

    @Test
    void chatTemplateIsRenderedWithoutADoubleBos() throws IOException {
        Checkpoint ckpt = withChatTemplate("{{ bos_token }}{% for message in messages %}"
                + "{% if message['role'] == 'user' %}[INST] {{ message['content'] | trim }} [/INST]{% endif %}{% endfor %}");
        PromptFormat.Rendered r = PromptFormat.CHAT.render("  Name a colour. ", ckpt);
        assertEquals("<s>[INST] Name a colour. [/INST]", r.text());
        assertFalse(r.addSpecialTokens());
        long[] ids = ckpt.tokenizer().encode(r.text(), r.addSpecialTokens());
        assertEquals(1, ids[0]);
        assertTrue(ids[1] != 1, "one BOS only");
    }

    @Test
    void missingChatTemplateSaysWhatToUseInstead() throws IOException {
        Checkpoint ckpt = withChatTemplate(null);
        String msg = assertThrows(IllegalArgumentException.class, () -> PromptFormat.CHAT.render("x", ckpt)).getMessage();
        assertTrue(msg.contains("no chat_template") && msg.contains("--format raw"), msg);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PromptFormat.parse("llama2"))
                .getMessage().contains("raw, vicuna, alpaca or chat"));
    }
}
