package org.clnrest.notify;

import java.nio.charset.StandardCharsets;

/**
 * One encoded packet on its way to a client, with its size in UTF-8 bytes (what it costs in the client's
 * budget). A notification's packet is built once per batch and namespace and shared by every client.
 */
record Outgoing(String text, int bytes) {
    static Outgoing of(EngineIoPacket packet) {
        return of(packet.encode());
    }

    /** A packet already encoded (a plain WebSocket's notification, or a polling payload). */
    static Outgoing of(String text) {
        return new Outgoing(text, utf8Length(text));
    }

    static int utf8Length(String s) {
        int n = s.length();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return n;
    }
}
