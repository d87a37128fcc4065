package org.clnrest.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.clnrest.support.Harness;

/**
 * Issue 22's rune attacks, each against the running plugin {@code h} of {@link HostileClientIT} (under its getinfo
 * prober): what a stranger's rune may cost lightningd before the plugin has any reason to trust it.
 */
final class RuneAttacks {
    private RuneAttacks() {
    }

    /**
     * Malformed runes (item 3): each reached checkrune, and lightningd logged the token in full (516 MB of log in 15 s
     * from 200 connections). Now they are refused with lightningd's own answer and reach neither its RPC nor its log.
     */
    static void malformedRunesReachNeitherLightningdNorItsLog(Harness h, HttpClient http) throws Exception {
        long linesBefore = h.node.log().stream().filter(l -> l.contains("Invalid parameter rune")).count();
        String[] junk = {"A", "!!!not*base64***", "A".repeat(15_000), "AAAA".repeat(20) + "%%"};
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String rune = junk[i % junk.length];
                answers.add(pool.submit(() -> http.send(post(h, "/v1/getinfo", rune), HttpResponse.BodyHandlers.ofString())));
            }
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                assertEquals(401, r.statusCode(), r.body());
                assertEquals(new JsonObject().put("code", -32602)
                        .put("message", "rune: should be base64 string: invalid token (see logs for details)"), new JsonObject(r.body()));
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> sent = List.of(junk);
        assertEquals(0, h.node.calls().stream().filter(c -> "checkrune".equals(c.getString("method"))
                && sent.contains(c.getJsonObject("params").getString("rune"))).count(), "no malformed rune reached checkrune");
        assertEquals(linesBefore, h.node.log().stream().filter(l -> l.contains("Invalid parameter rune")).count(),
                "lightningd logged no token");
    }

    /**
     * A wallet retrying a call its rune forbids, in a tight loop (item 7: 3,580 checkrune calls in 3 s). The same
     * refused question within a second is answered from memory: lightningd sees about one checkrune a second.
     */
    static void aRefusedRetryLoopCostsLightningdAboutOneCheckASecond(Harness h, HttpClient http) throws Exception {
        String rune = h.node.createRune(new JsonArray().add(new JsonArray().add("method=getinfo")));
        long t0 = System.nanoTime();
        int n = 0;
        while (n < 300 || System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2)) {
            HttpResponse<String> r = http.send(post(h, "/v1/waitanyinvoice", rune), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), r.body());
            assertEquals(1502, new JsonObject(r.body()).getInteger("code"));
            n++;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int asked = h.checkrunesWith(rune).size();
        System.out.printf("refused retry loop: %d requests in %.1f s cost lightningd %d checkrune calls%n", n, seconds, asked);
        assertTrue(asked <= Math.ceil(seconds) + 1, n + " retries in " + seconds + " s cost " + asked + " checkrune calls");
        // A call the rune allows is still asked every time (successes are lightningd's to judge).
        for (int i = 0; i < 3; i++) {
            assertEquals(201, http.send(post(h, "/v1/getinfo", rune), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
        assertEquals(asked + 3, h.checkrunesWith(rune).size());
    }

    /**
     * Well-formed junk runes (item 5) from many connections while the prober's rune, which lightningd has accepted,
     * keeps calling: strangers may take only three quarters of the checkrune places, so the prober is never refused
     * (its failures are counted by {@link HostileClientIT}); strangers past their places get 503.
     */
    static void junkRunesCannotCrowdOutAKnownRune(Harness h, HttpClient http) throws Exception {
        SecureRandom random = new SecureRandom();
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                byte[] raw = new byte[34];
                random.nextBytes(raw);
                raw[32] = '=';
                raw[33] = '0';
                String junk = Base64.getUrlEncoder().encodeToString(raw);
                answers.add(pool.submit(() -> http.send(post(h, "/v1/getinfo", junk), HttpResponse.BodyHandlers.discarding()).statusCode()));
            }
            for (Future<Integer> f : answers) {
                int status = f.get(60, TimeUnit.SECONDS);
                assertTrue(status == 401 || status == 503, "junk rune: " + status);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static HttpRequest post(Harness h, String path, String rune) {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + h.port + path)).timeout(Duration.ofSeconds(30))
                .header("Rune", rune).POST(HttpRequest.BodyPublishers.noBody()).build();
    }
}
