package org.clnrest.support;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Context;
import io.vertx.core.Future;

/** Unit tests of classes that belong to one event loop: run there and wait for the result. */
public final class OnLoop {
    private OnLoop() {
    }

    /** Runs {@code work} on {@code loop} and returns its result (10 s at most). */
    public static <T> T call(Context loop, Callable<T> work) throws Exception {
        CompletableFuture<T> out = new CompletableFuture<>();
        loop.runOnContext(v -> {
            try {
                out.complete(work.call());
            } catch (Exception e) {
                out.completeExceptionally(e);
            }
        });
        return out.get(10, TimeUnit.SECONDS);
    }

    /** How {@code f} ends: null for a success, else its failure (10 s at most). */
    public static Throwable failureOf(Future<?> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(10, TimeUnit.SECONDS);
    }

    /**
     * A rune of lightningd's form (32-byte authcode, unique id {@code n}) that no node issued: well-formed, so it passes
     * the local syntax check and reaches checkrune.
     */
    public static String wellFormedRune(int n) {
        byte[] auth = new byte[32];
        java.util.Arrays.fill(auth, (byte) 7);
        byte[] restr = ("=" + n).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] all = java.util.Arrays.copyOf(auth, 32 + restr.length);
        System.arraycopy(restr, 0, all, 32, restr.length);
        return java.util.Base64.getUrlEncoder().encodeToString(all);
    }
}
