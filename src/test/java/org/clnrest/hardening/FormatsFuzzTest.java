package org.clnrest.hardening;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import io.vertx.core.buffer.Buffer;

import org.clnrest.support.JavaNames;
import org.clnrest.support.BodyMutator;
import org.clnrest.http.ApiError;
import org.clnrest.http.format.FormatError;
import org.clnrest.http.format.Format;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Property-based fuzzing of the four body parsers, in process: 5,000 seeded mutations of valid bodies per
 * format. Whatever the bytes, a parser returns params or refuses with a 4xx ApiError whose message names no
 * Java class; nothing else may escape (an escape would be a 500 on the wire).
 */
class FormatsFuzzTest {
    static final String[] SEEDS = {
            "{\"label\":\"x\",\"amount_msat\":1000,\"nested\":{\"a\":[1,2,{\"b\":null}]}}",
            "[1,\"a\",{},[true,false],1152921504606846983]",
            "label: a\namount_msat: 5\nlist:\n  - 1\n  - {k: v}\n",
            "<invoice><label>a</label><amount_msat>5</amount_msat><key>x</key><key>y</key></invoice>",
            "key[0]=a&key[1]=b&string=c&obj[f]=1&obj[g][0]=2",
    };

    @ParameterizedTest
    @EnumSource(Format.class)
    void parsersOnlyEverRefuseCleanly(Format format) {
        Random random = new Random(format.ordinal() * 7919L + 1);
        int refused = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] body = BodyMutator.mutate(SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.UTF_8), random);
            try {
                format.params(Buffer.buffer(body), "invoice");
            } catch (FormatError refusal) {
                ApiError e = ApiError.format(refusal); // the answer the client gets
                refused++;
                assertTrue(e.status() >= 400 && e.status() < 500, e.status() + " " + e.getMessage());
                JavaNames.assertNone(e.getMessage(), "in a refusal");
            } catch (RuntimeException other) {
                throw new AssertionError(format + " let " + other + " escape for body: " + new String(body, StandardCharsets.ISO_8859_1), other);
            }
        }
        assertTrue(refused > 100, "the mutations must actually break bodies: " + refused + " refusals");
    }
}
