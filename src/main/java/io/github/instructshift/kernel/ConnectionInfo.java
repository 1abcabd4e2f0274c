package io.github.instructshift.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Jupyter connection file: where to bind the five sockets and how to sign messages. */
public record ConnectionInfo(String transport, String ip, int shellPort, int iopubPort, int stdinPort,
                             int controlPort, int hbPort, String key, String signatureScheme) {

    public String address(int port) {
        // ipc transport names a path prefix, not a port; tcp is host:port
        return "ipc".equals(transport) ? "ipc://" + ip + "-" + port : transport + "://" + ip + ":" + port;
    }

    public static ConnectionInfo read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new KernelException("cannot read connection file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new KernelException("connection file " + file + " is not a JSON object");
        }
        return new ConnectionInfo(
                text(root, "transport", "tcp", file),
                text(root, "ip", "127.0.0.1", file),
                port(root, "shell_port", file),
                port(root, "iopub_port", file),
                port(root, "stdin_port", file),
                port(root, "control_port", file),
                port(root, "hb_port", file),
                text(root, "key", "", file),
                text(root, "signature_scheme", "hmac-sha256", file));
    }

    private static String text(JsonNode root, String field, String fallback, Path file) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw new KernelException("connection file " + file + ": field '" + field + "' must be a string, got " + n);
        }
        return n.asText();
    }

    private static int port(JsonNode root, String field, Path file) {
        JsonNode n = root.get(field);
        if (n == null || !n.canConvertToInt() || n.asInt() <= 0 || n.asInt() > 65535) {
            throw new KernelException("connection file " + file + ": field '" + field + "' must be a port number 1..65535, got " + n);
        }
        return n.asInt();
    }
}
