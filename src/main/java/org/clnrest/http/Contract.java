package org.clnrest.http;

/**
 * The typed contract ({@code openapi.yaml} / {@code openapi.json}) as the HTTP side reads it. The build-time
 * generator ({@code src/test/java/org/clnrest/contract/ContractGenerator}) writes what this class names.
 */
public final class Contract {
    private Contract() {}

    /** On each typed operation: the lightningd method it describes (routed by the generic POST /v1/{rpc_method}). */
    public static final String TYPED = "x-clnrest-method";
}
