package org.clnrest.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one "no Java names" check catches what each suite's own pattern caught, and not the plugin's own words. */
class JavaNamesTest {
    @Test
    void catchesClassNamesExceptionsAndStackFrames() {
        for (String leak : new String[]{"java.lang.IllegalStateException: x", "io.netty.handler.codec.TooLongFrameException",
                "io.vertx.core.VertxException", "failed: com.fasterxml.jackson.core.JsonParseException", "\tat org.clnrest.http.Calls.x(Calls.java:1)",
                "at org.clnrest.Main", "OutOfMemoryError", "Terminating due to java.lang", "NullPointerException"}) {
            assertTrue(JavaNames.in(leak), leak);
        }
    }

    @Test
    void leavesThePluginsOwnMessagesAlone() {
        for (String fine : new String[]{"Invalid method name", "Internal error", "Not permitted: method is equal to listclnrest-notifications",
                "Socket.IO client connected over socket.io", "REST server running at https://127.0.0.1:3010", "Bad request"}) {
            assertFalse(JavaNames.in(fine), fine);
        }
    }
}
