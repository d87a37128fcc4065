package org.clnrest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;

import io.vertx.core.Vertx;

import org.clnrest.support.Chromium;
import org.clnrest.support.Harness;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Swagger UI in a real headless Chromium: it renders the contract and "Try it out" executes a call with a Rune. */
class SwaggerUiIT {

    @Test
    void swaggerUiRendersAndExecutesACallWithARune() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Chromium.BINARY) || System.getenv("CI") != null,
                "Debian's chromium is not installed (bin/test installs it)");
        Vertx vertx = Vertx.vertx();
        try (Harness h = Harness.start(); Chromium browser = Chromium.start(vertx, Chromium.spki(h))) {
            String rune = h.node.createRune(null);
            // A plugin's dynamic path shows up in the UI as its own operation, with its capture as a field.
            h.node.call("clnrest-register-path", new io.vertx.core.json.JsonObject().put("path", "/v1/echo/{user}")
                    .put("rpc_method", "getinfo").put("http_method", "GET").put("rune_required", false));
            long t0 = System.nanoTime();
            browser.navigate("https://localhost:" + h.port + "/");
            // Every group of the typed contract is listed (collapsed: 160 methods would be a long page).
            browser.await("document.querySelector('#operations-tag-dynamic') && document.querySelector('#operations-tag-askrene')",
                    Duration.ofSeconds(60));
            long loadMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("Swagger UI: every tag listed " + loadMs + " ms after navigation");
            expand(browser, "rpc", "callRpcMethod");
            assertTrue(((String) browser.eval("document.body.innerText")).contains("/v1/{rpc_method}"));
            expand(browser, "dynamic", "dyn_get_v1_echo_user");
            assertTrue(((String) browser.eval("document.querySelector('#operations-dynamic-dyn_get_v1_echo_user').innerText"))
                    .contains("/v1/echo/{user}"));
            // A typed method shows its own fields.
            expand(browser, "node", "invoice");
            browser.eval("document.querySelector('#operations-node-invoice .opblock-summary-control').click(), true");
            browser.await("document.querySelector('#operations-node-invoice') && document.querySelector('#operations-node-invoice').innerText.includes('amount_msat')",
                    Duration.ofSeconds(20));
            browser.eval("document.querySelector('#operations-node-invoice .opblock-summary-control').click(), true");

            // Authorise the way the Authorize dialog does, then Try it out -> rpc_method=getinfo -> Execute.
            browser.eval("window.ui.preauthorizeApiKey('rune', '" + rune + "'), true");
            browser.eval("document.querySelector('#operations-rpc-callRpcMethod .opblock-summary-control').click(), true");
            browser.await("document.querySelector('#operations-rpc-callRpcMethod .try-out__btn')", Duration.ofSeconds(10));
            browser.eval("document.querySelector('#operations-rpc-callRpcMethod .try-out__btn').click(), true");
            browser.await("document.querySelector('#operations-rpc-callRpcMethod tr[data-param-name=\"rpc_method\"] input')", Duration.ofSeconds(10));
            browser.eval("""
                    (() => {
                      const input = document.querySelector('#operations-rpc-callRpcMethod tr[data-param-name="rpc_method"] input');
                      const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
                      set.call(input, 'getinfo');
                      input.dispatchEvent(new Event('input', { bubbles: true }));
                      const body = document.querySelector('#operations-rpc-callRpcMethod textarea.body-param__text');
                      if (body) {
                        const setT = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
                        setT.call(body, '{}');
                        body.dispatchEvent(new Event('input', { bubbles: true }));
                      }
                      return true;
                    })()""");
            // The parameter field is debounced: wait until Swagger UI's own state holds the value.
            browser.await("JSON.stringify(window.ui.getState().toJS().spec.meta || {}).includes('\"value\":\"getinfo\"')",
                    Duration.ofSeconds(10));
            browser.eval("document.querySelector('#operations-rpc-callRpcMethod .execute').click(), true");
            browser.await("document.querySelector('#operations-rpc-callRpcMethod .live-responses-table .response-col_status')",
                    Duration.ofSeconds(20));
            String status = ((String) browser.eval(
                    "document.querySelector('#operations-rpc-callRpcMethod .live-responses-table tr.response .response-col_status').innerText")).trim();
            String body = (String) browser.eval("document.querySelector('#operations-rpc-callRpcMethod .live-responses-table').innerText");
            assertEquals("201", status.split("\\s+")[0], body);
            assertTrue(body.contains(h.node.nodeId()), "the node's id in the executed call's response: " + body);
            assertTrue(h.node.calls().stream().anyMatch(c -> c.getString("method").equals("getinfo")), "the call reached the node");
        } finally {
            vertx.close().await();
        }
    }

    /** Open a tag's section and wait for one of its operations. */
    private static void expand(Chromium browser, String tag, String operationId) throws Exception {
        String op = "#operations-" + tag + "-" + operationId;
        if (browser.eval("document.querySelector('" + op + "') !== null").equals(Boolean.TRUE)) {
            return;
        }
        browser.eval("document.querySelector('#operations-tag-" + tag + "').click(), true");
        browser.await("document.querySelector('" + op + "')", Duration.ofSeconds(20));
    }
}
