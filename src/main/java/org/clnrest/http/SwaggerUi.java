package org.clnrest.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * Swagger UI from its webjar on the classpath (no CDN: a node's browser may be offline or strict), and the
 * OpenAPI document where clients look for it. As upstream (main.rs, utoipa-swagger-ui): with
 * {@code clnrest-swagger-root=/} the UI is at {@code /swagger-ui} and {@code /} redirects there (308); with
 * another root the UI is at that root and {@code /} says hello; the bare UI path redirects to itself with a
 * slash (303); the document is {@code /swagger.json} (also under the root, and as {@code /openapi.json|yaml}).
 */
final class SwaggerUi {
    static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/5.34.1";
    static final String FALLBACK = "/swagger-ui";

    private SwaggerUi() {}

    /** The path the UI lives at (no trailing slash). */
    static String uiPath(String swaggerRoot) {
        String root = swaggerRoot.endsWith("/") ? swaggerRoot.substring(0, swaggerRoot.length() - 1) : swaggerRoot;
        return root.isEmpty() ? FALLBACK : root;
    }

    static void mount(Router router, String swaggerRoot, ServedContract contract) {
        String ui = uiPath(swaggerRoot);
        router.get("/openapi.json").handler(contract::json);
        router.get("/openapi.yaml").handler(contract::yaml);
        router.get("/swagger.json").handler(contract::json);
        if (!ui.equals(FALLBACK)) {
            router.get(ui + "/swagger.json").handler(contract::json);
        }
        if (swaggerRoot.equals("/")) {
            router.get("/").handler(ctx -> redirect(ctx, 308, FALLBACK));
        } else {
            router.get("/").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end("Hello, World!"));
        }
        // Relative asset links in index.html need the trailing slash.
        router.get(ui).handler(ctx -> {
            if (ctx.request().path().endsWith("/")) {
                ctx.next(); // Vert.x matches "/x" for "/x/" too: only the bare path redirects
            } else {
                redirect(ctx, 303, ui + "/");
            }
        });
        router.get(ui + "/swagger-initializer.js").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/javascript; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .end(initializer()));
        router.route(HttpMethod.GET, ui + "/*").handler(StaticHandler.create(WEBJAR)
                .setCachingEnabled(true).setMaxAgeSeconds(86400).setDirectoryListing(false).setIndexPage("index.html"));
    }

    private static void redirect(RoutingContext ctx, int status, String to) {
        ctx.response().setStatusCode(status).putHeader("Location", to).end();
    }

    private static String initializer() {
        return """
                window.onload = function () {
                  window.ui = SwaggerUIBundle({
                    url: "/openapi.json",
                    dom_id: "#swagger-ui",
                    deepLinking: true,
                    persistAuthorization: true,
                    tryItOutEnabled: false,
                    docExpansion: "none",
                    defaultModelsExpandDepth: -1,
                    filter: true,
                    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
                    layout: "StandaloneLayout",
                    validatorUrl: null
                  });
                };
                """;
    }
}
