package org.clnrest.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The node's secret, kept in {@code <network-dir>/hsm_secret} as lightningd keeps its own: the node id and
 * the runes' key both come from it, so every simulated node has an id of its own, and a node restarted on
 * the same directory is the same node (same id, its runes still valid), as a real one is.
 */
final class NodeSecret {
    private final byte[] secret;

    private NodeSecret(byte[] secret) {
        this.secret = secret;
    }

    static NodeSecret load(Path networkDir) {
        Path file = networkDir.resolve("hsm_secret");
        try {
            if (Files.size(file) == 32) {
                return new NodeSecret(Files.readAllBytes(file));
            }
        } catch (IOException absent) {
            // a new node: created below
        }
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        try {
            Files.createDirectories(networkDir);
            Files.write(file, fresh);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new NodeSecret(fresh);
    }

    /** A compressed-public-key-shaped id (33 bytes, hex): "02" and the secret's SHA-256. */
    String nodeId() {
        return "02" + HexFormat.of().formatHex(digest("node-id"));
    }

    /** The key runes are signed with. */
    byte[] runeKey() {
        return digest("runes");
    }

    private byte[] digest(String purpose) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(purpose.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return d.digest(secret);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
