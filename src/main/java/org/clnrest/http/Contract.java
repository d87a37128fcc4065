package org.clnrest.http;

import java.io.IOException;
import java.io.InputStream;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;

/**
 * The typed contract as the plugin ships it: {@code openapi.yaml} (the contract) and {@code openapi.json} (the
 * generator's JSON rendering of the same document, read because parsing half a megabyte of YAML would add
 * about half a second to start-up). The build-time generator (src/test/.../contract/ContractGenerator) writes
 * both and names each typed operation's lightningd method with {@link #TYPED}.
 */
public final class Contract {
    /** On each typed operation: the lightningd method it describes (routed by the generic POST /v1/{rpc_method}). */
    public static final String TYPED = "x-clnrest-method";

    final Buffer yaml;
    /** openapi.json as shipped (served as is), and parsed. */
    final Buffer jsonBytes;
    final JsonObject json;

    private Contract(Buffer yaml, Buffer jsonBytes) {
        this.yaml = yaml;
        this.jsonBytes = jsonBytes;
        this.json = new JsonObject(jsonBytes);
    }

    static Contract load() {
        try (InputStream yaml = Contract.class.getResourceAsStream("/openapi.yaml");
             InputStream json = Contract.class.getResourceAsStream("/openapi.json")) {
            return new Contract(Buffer.buffer(yaml.readAllBytes()), Buffer.buffer(json.readAllBytes()));
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("openapi.yaml or openapi.json missing from the jar", e);
        }
    }

    /** The contract the router is built from: see {@link ContractCopies#forRouter}. */
    Future<OpenAPIContract> forRouter(Vertx vertx) {
        return OpenAPIContract.from(vertx, ContractCopies.forRouter(json));
    }

    /**
     * The contract and the router's copy, read and loaded on a worker from process start: it takes ~200 ms of a cold
     * JVM, which then overlap lightningd's getmanifest and init and the TLS identity instead of following them (bench
     * {@code spawn}). Made by {@code Main} before lightningd's init and handed to the REST verticle.
     */
    public static final class Preload {
        private final Vertx vertx;
        private final Future<Contract> contract;
        private final Future<OpenAPIContract> forRouter;

        private Preload(Vertx vertx) {
            this.vertx = vertx;
            this.contract = vertx.executeBlocking(Contract::load, false);
            this.forRouter = contract.compose(c -> c.forRouter(vertx));
        }

        /** The contract, on the caller's context. */
        Future<Contract> contract() {
            return onCallersContext(vertx, contract);
        }

        /** The router's copy, on the caller's context. */
        Future<OpenAPIContract> forRouter() {
            return onCallersContext(vertx, forRouter);
        }
    }

    /** Start reading the contract and loading the router's copy now. */
    public static Preload preload(Vertx vertx) {
        return new Preload(vertx);
    }

    /**
     * {@code f}'s outcome, delivered on the caller's context. The preload runs on a context of its own: what the
     * REST verticle does next (create its HTTP server, keep its state) must happen on the verticle's context, or
     * the server would belong to the other one, and be closed at once at exit instead of shut down gracefully
     * with the verticle (ShutdownIT).
     */
    private static <T> Future<T> onCallersContext(Vertx vertx, Future<T> f) {
        Context caller = vertx.getOrCreateContext();
        Promise<T> p = Promise.promise();
        f.onComplete(ar -> caller.runOnContext(v -> p.handle(ar)));
        return p.future();
    }
}
