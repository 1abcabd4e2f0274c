package io.github.instructshift.kernel;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * One Jupyter message as it travels: routing identities, then header, parent header, metadata and
 * content (JSON objects), then optional binary buffers.
 */
public record WireMessage(List<byte[]> identities, ObjectNode header, ObjectNode parentHeader,
                          ObjectNode metadata, ObjectNode content, List<byte[]> buffers) {

    public String type() {
        return header.path("msg_type").asText("");
    }
}
