package io.github.instructshift.kernel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Frames, signs and parses Jupyter messages (wire protocol 5.3). Pure functions over byte frames,
 * so the signing rules are testable without sockets.
 */
public final class WireCodec {
    static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);
    public static final String PROTOCOL_VERSION = "5.3";

    private final ObjectMapper json = new ObjectMapper();
    private final SecretKeySpec key; // null: unsigned messages (empty key in the connection file)
    private final String macAlgorithm;
    private final String session = UUID.randomUUID().toString();

    public WireCodec(String key, String signatureScheme) {
        if (!signatureScheme.startsWith("hmac-")) {
            throw new KernelException("unsupported signature_scheme '" + signatureScheme + "' (expected hmac-sha256)");
        }
        this.macAlgorithm = "Hmac" + signatureScheme.substring(5).toUpperCase().replace("-", "");
        this.key = key.isEmpty() ? null : new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), macAlgorithm);
        if (this.key != null) {
            newMac(); // fail now, at start, on an unknown algorithm
        }
    }

    public ObjectMapper json() {
        return json;
    }

    /** Lower-case hex HMAC over the four JSON frames, or "" when messages are unsigned. */
    public String sign(byte[] header, byte[] parent, byte[] metadata, byte[] content) {
        if (key == null) {
            return "";
        }
        Mac mac = newMac();
        mac.update(header);
        mac.update(parent);
        mac.update(metadata);
        mac.update(content);
        return HexFormat.of().formatHex(mac.doFinal());
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(macAlgorithm);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new KernelException("cannot create " + macAlgorithm + " for message signing: " + e.getMessage(), e);
        }
    }

    /** Parses received frames; throws {@link KernelException} naming the bad frame. */
    public WireMessage decode(List<byte[]> frames) {
        int d = 0;
        while (d < frames.size() && !Arrays.equals(frames.get(d), DELIMITER)) {
            d++;
        }
        if (d == frames.size()) {
            throw new KernelException("message without <IDS|MSG> delimiter (" + frames.size() + " frames)");
        }
        if (frames.size() < d + 6) {
            throw new KernelException("message has " + (frames.size() - d - 1) + " frames after the delimiter, expected at least 5");
        }
        byte[] sig = frames.get(d + 1);
        byte[] h = frames.get(d + 2), p = frames.get(d + 3), m = frames.get(d + 4), c = frames.get(d + 5);
        if (key != null) {
            byte[] expected = sign(h, p, m, c).getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(expected, sig)) {
                throw new KernelException("message signature does not match (wrong key?)");
            }
        }
        ObjectNode header = object(h, "header");
        if (!header.path("msg_type").isTextual()) {
            throw new KernelException("message header has no msg_type: " + header);
        }
        return new WireMessage(List.copyOf(frames.subList(0, d)), header, object(p, "parent_header"),
                object(m, "metadata"), object(c, "content"), List.copyOf(frames.subList(d + 6, frames.size())));
    }

    private ObjectNode object(byte[] raw, String frame) {
        try {
            JsonNode n = json.readTree(raw);
            if (n == null || n.isNull() || n.isMissingNode()) {
                return json.createObjectNode();
            }
            if (!n.isObject()) {
                throw new KernelException("message frame '" + frame + "' is not a JSON object");
            }
            return (ObjectNode) n;
        } catch (java.io.IOException e) {
            throw new KernelException("message frame '" + frame + "' is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Frames to send: identities, delimiter, signature, header, parent, metadata, content. */
    public List<byte[]> encode(WireMessage msg) {
        byte[] h = bytes(msg.header()), p = bytes(msg.parentHeader()), m = bytes(msg.metadata()), c = bytes(msg.content());
        List<byte[]> frames = new ArrayList<>(msg.identities().size() + 6 + msg.buffers().size());
        frames.addAll(msg.identities());
        frames.add(DELIMITER);
        frames.add(sign(h, p, m, c).getBytes(StandardCharsets.US_ASCII));
        frames.add(h);
        frames.add(p);
        frames.add(m);
        frames.add(c);
        frames.addAll(msg.buffers());
        return frames;
    }

    private byte[] bytes(ObjectNode node) {
        try {
            return json.writeValueAsBytes(node == null ? json.createObjectNode() : node);
        } catch (JsonProcessingException e) {
            throw new KernelException("cannot serialise message frame: " + e.getMessage(), e);
        }
    }

    /** A new message of {@code type} answering (or caused by) {@code parent}; parent may be null. */
    public WireMessage create(String type, WireMessage parent, ObjectNode content) {
        ObjectNode header = json.createObjectNode();
        header.put("msg_id", UUID.randomUUID().toString());
        header.put("session", session);
        header.put("username", "kernel");
        header.put("date", Instant.now().toString());
        header.put("msg_type", type);
        header.put("version", PROTOCOL_VERSION);
        return new WireMessage(parent == null ? List.of() : parent.identities(), header,
                parent == null ? json.createObjectNode() : parent.header().deepCopy(),
                json.createObjectNode(), content, List.of());
    }

    /** Same as {@link #create} but without routing identities (for IOPub, which broadcasts). */
    public WireMessage broadcast(String type, WireMessage parent, ObjectNode content) {
        WireMessage m = create(type, parent, content);
        return new WireMessage(List.of(("kernel." + session + "." + type).getBytes(StandardCharsets.UTF_8)),
                m.header(), m.parentHeader(), m.metadata(), m.content(), List.of());
    }
}
