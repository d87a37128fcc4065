package org.clnrest.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import org.junit.jupiter.api.Test;

/** A streamed result's bytes: the envelope off, back-pressure on the socket, a reply that is not lightningd's refused. */
class ResultStreamTest {
    final AtomicBoolean paused = new AtomicBoolean();
    final AtomicInteger finished = new AtomicInteger();
    final NetSocket socket = (NetSocket) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{NetSocket.class},
            (proxy, m, args) -> {
                if (m.getName().equals("pause")) {
                    paused.set(true);
                } else if (m.getName().equals("resume")) {
                    paused.set(false);
                }
                return proxy;
            });

    /** Feed {@code reply} (without its delimiter) in pieces of {@code step} bytes; what the reader got, or null on failure. */
    String stream(String reply, int step, AtomicReference<Throwable> failure) {
        int start = reply.indexOf("\"result\":") + 9;
        while (reply.charAt(start) == ' ') {
            start++;
        }
        ResultStream s = new ResultStream(socket, start, (byte) reply.charAt(start), finished::incrementAndGet);
        StringBuilder got = new StringBuilder();
        AtomicBoolean ended = new AtomicBoolean();
        s.handler(b -> got.append(b.toString())).endHandler(v -> ended.set(true)).exceptionHandler(failure::set);
        for (int at = 0; at < reply.length(); at += step) {
            s.data(Buffer.buffer(reply.substring(at, Math.min(reply.length(), at + step))));
        }
        s.end();
        assertEquals(1, finished.getAndSet(0), "the connection is told the reply is over, once");
        return ended.get() ? got.toString() : null;
    }

    @Test
    void theResultAloneReachesTheReaderWhateverThePieces() {
        String obj = "{\"invoices\":[{\"a\":{\"b\":{}}},{\"s\":\"}}} \"}]}";
        String arr = "[1,[2,[3]],{\"x\":[]}]";
        for (int step = 1; step < 40; step++) {
            AtomicReference<Throwable> f = new AtomicReference<>();
            assertEquals(obj, stream("{\"jsonrpc\":\"2.0\",\"id\":\"x#1\",\"result\":" + obj + "}", step, f));
            assertEquals(obj, stream("{\"jsonrpc\": \"2.0\", \"id\": \"x#1\", \"result\": " + obj + " }\n ", step, f));
            assertEquals(arr, stream("{\"jsonrpc\":\"2.0\",\"id\":\"x#1\",\"result\":" + arr + "}", step, f));
            assertNull(f.get());
        }
    }

    @Test
    void aReplyWithAnythingAfterItsResultIsRefused() {
        AtomicReference<Throwable> f = new AtomicReference<>();
        assertNull(stream("{\"jsonrpc\":\"2.0\",\"id\":\"x#1\",\"result\":[1,2],\"extra\":3}", 7, f));
        assertNotNull(f.get());
    }

    @Test
    void aPausedReaderPausesTheSocketUntilItResumes() {
        ResultStream s = new ResultStream(socket, 0, (byte) '[', finished::incrementAndGet);
        StringBuilder got = new StringBuilder();
        s.handler(b -> got.append(b.toString()));
        s.pause();
        s.data(Buffer.buffer("[1,"));
        assertTrue(paused.get(), "nothing more is read from lightningd while the reader waits");
        assertEquals("", got.toString());
        s.fetch(1);
        assertEquals("[1,", got.toString());
        s.resume();
        assertFalse(paused.get());
        s.data(Buffer.buffer("2]}"));
        s.end();
        assertEquals("[1,2]", got.toString());
    }
}
