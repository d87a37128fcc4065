package org.clnrest.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import org.clnrest.bus.Bus;

/**
 * A tiny observer in another JVM: joins the plugin's cluster, prints every notification, and calls lightningd
 * through the plugin for each request read on stdin. One JSON object per line on stdout:
 *
 * <pre>
 * java -cp clnrest-vertx.jar org.clnrest.cluster.Observer --host 127.0.0.1 --port 5702 --members 127.0.0.1:5701
 *   {"event":"ready","join_ms":2710}
 *   {"event":"notification","topic":"invoice_creation","seq":"3","body":{"invoice_creation":{...}}}
 * stdin:  {"rune":"...","method":"getinfo","params":{}}
 *   {"event":"reply","method":"getinfo","reply":{"result":{...}}}      (or {"error":{code,message}})
 * </pre>
 */
public final class Observer {
    private Observer() {}

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 5702;
        List<String> members = new ArrayList<>();
        String config = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--host" -> host = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--members" -> members.addAll(List.of(args[i + 1].split(",")));
                case "--config" -> config = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // whatever a library prints stays off the JSON lines
        long t0 = System.nanoTime();
        Vertx vertx = ClusterSetup.start(host, port, members, config).toCompletionStage().toCompletableFuture().get();
        vertx.eventBus().<Object>consumer(Bus.CLUSTER_NOTIFICATION, (Message<Object> m) -> print(out, new JsonObject()
                .put("event", "notification").put("topic", m.headers().get(Bus.H_TOPIC)).put("seq", m.headers().get(Bus.H_SEQ))
                .put("received_ms", System.currentTimeMillis()).put("body", m.body())))
                .completion().toCompletionStage().toCompletableFuture().get();
        print(out, new JsonObject().put("event", "ready").put("join_ms", (System.nanoTime() - t0) / 1_000_000));

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject req = new JsonObject(line);
            DeliveryOptions o = new DeliveryOptions().setSendTimeout(30_000);
            if (req.getString("rune") != null) {
                o.addHeader(Bus.H_RUNE, req.getString("rune"));
            }
            String method = req.getString("method");
            JsonObject body = new JsonObject().put(Bus.F_METHOD, method).put(Bus.F_PARAMS, req.getValue("params"));
            vertx.eventBus().<JsonObject>request(Bus.CLUSTER_RPC, body, o).onComplete(ar -> print(out, ar.succeeded()
                    ? new JsonObject().put("event", "reply").put("method", method).put("reply", ar.result().body())
                    : new JsonObject().put("event", "reply").put("method", method).put("failure", String.valueOf(ar.cause().getMessage()))));
        }
        vertx.close().toCompletionStage().toCompletableFuture().get();
        System.exit(0);
    }

    private static synchronized void print(PrintStream out, JsonObject o) {
        out.println(o.encode());
    }
}
