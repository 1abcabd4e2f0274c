package io.github.instructshift.kernel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class WireCodecTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void signatureIsHmacSha256OverTheFourFramesConcatenated() {
        // the well-known HMAC-SHA256 of this sentence under key "key", split across the frames
        WireCodec codec = new WireCodec("key", "hmac-sha256");
        assertEquals("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
                codec.sign(b("The quick brown fox "), b("jumps over "), b("the lazy "), b("dog")));
    }

    @Test
    void encodeThenDecodeKeepsRoutingAndContent() {
        WireCodec codec = new WireCodec("secret", "hmac-sha256");
        ObjectNode content = codec.json().createObjectNode().put("code", "1+1");
        WireMessage request = new WireMessage(List.of(b("client-7")), header(codec, "execute_request"),
                codec.json().createObjectNode(), codec.json().createObjectNode(), content, List.of());
        WireMessage back = codec.decode(codec.encode(request));
        assertEquals("execute_request", back.type());
        assertEquals("1+1", back.content().get("code").asText());
        assertArrayEquals(b("client-7"), back.identities().get(0));

        WireMessage reply = codec.create("execute_reply", back, codec.json().createObjectNode());
        assertEquals(back.header().get("msg_id"), reply.parentHeader().get("msg_id"));
        assertArrayEquals(b("client-7"), reply.identities().get(0));
    }

    @Test
    void tamperedMessageIsRejected() {
        WireCodec codec = new WireCodec("secret", "hmac-sha256");
        WireMessage m = codec.create("kernel_info_request", null, codec.json().createObjectNode());
        List<byte[]> frames = new ArrayList<>(codec.encode(m));
        frames.set(frames.size() - 1, b("{\"evil\":1}"));
        KernelException e = assertThrows(KernelException.class, () -> codec.decode(frames));
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
    }

    @Test
    void emptyKeyMeansUnsigned() {
        WireCodec codec = new WireCodec("", "hmac-sha256");
        assertEquals("", codec.sign(b("a"), b("b"), b("c"), b("d")));
        List<byte[]> frames = List.of(WireCodec.DELIMITER, b("anything"), b("{\"msg_type\":\"x\"}"), b("{}"), b("{}"), b("{}"));
        assertEquals("x", codec.decode(frames).type());
    }

    @Test
    void malformedFramesAreNamed() {
        WireCodec codec = new WireCodec("", "hmac-sha256");
        assertTrue(assertThrows(KernelException.class, () -> codec.decode(List.of(b("id"), b("{}"))))
                .getMessage().contains("<IDS|MSG>"));
        assertTrue(assertThrows(KernelException.class, () -> codec.decode(
                List.of(WireCodec.DELIMITER, b(""), b("{\"msg_type\":\"x\"}"), b("{}"), b("[1]"), b("{}"))))
                .getMessage().contains("metadata"));
        assertTrue(assertThrows(KernelException.class, () -> new WireCodec("k", "rsa"))
                .getMessage().contains("rsa"));
    }

    @Test
    void connectionFileIsReadAndBadFieldsAreNamed() throws Exception {
        Path dir = Files.createTempDirectory("conn");
        Path good = dir.resolve("kernel-1.json");
        Files.writeString(good, "{\"shell_port\": 5001, \"iopub_port\": 5002, \"stdin_port\": 5003,"
                + " \"control_port\": 5004, \"hb_port\": 5005, \"ip\": \"127.0.0.1\", \"key\": \"abc\","
                + " \"transport\": \"tcp\", \"signature_scheme\": \"hmac-sha256\", \"kernel_name\": \"java\"}");
        ConnectionInfo info = ConnectionInfo.read(good);
        assertEquals(5004, info.controlPort());
        assertEquals("tcp://127.0.0.1:5001", info.address(info.shellPort()));
        assertEquals("abc", info.key());

        Path bad = dir.resolve("kernel-2.json");
        Files.writeString(bad, "{\"shell_port\": \"x\"}");
        KernelException e = assertThrows(KernelException.class, () -> ConnectionInfo.read(bad));
        assertTrue(e.getMessage().contains("shell_port") && e.getMessage().contains(bad.toString()), e.getMessage());
        KernelException missing = assertThrows(KernelException.class, () -> ConnectionInfo.read(dir.resolve("none.json")));
        assertTrue(missing.getMessage().contains("none.json"), missing.getMessage());
    }

    private static ObjectNode header(WireCodec codec, String type) {
        return codec.json().createObjectNode().put("msg_id", "m1").put("msg_type", type).put("session", "s");
    }
}
