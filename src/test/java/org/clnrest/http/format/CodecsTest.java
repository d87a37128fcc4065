package org.clnrest.http.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.clnrest.http.ApiError;
import org.junit.jupiter.api.Test;

/** Each codec alone, both ways, and the params budget every format is read within. */
class CodecsTest {
    static Object params(Format f, String body) {
        return f.params(Buffer.buffer(body), "invoice");
    }

    static ApiError refusal(Format f, String body) {
        return ApiError.format(assertThrows(FormatError.class, () -> params(f, body))); // the answer the client gets
    }

    @Test
    void jsonKeepsIntegersExactAndDropsTopLevelNulls() {
        JsonObject p = (JsonObject) params(Format.JSON, "{\"amount_msat\": 1152921504606846983, \"label\": null, \"x\": [1.5]}");
        assertEquals(new BigInteger("1152921504606846983"), new BigInteger(p.getValue("amount_msat").toString()));
        assertEquals(false, p.containsKey("label"));
        assertEquals(new JsonArray().add(new java.math.BigDecimal("1.5")), p.getJsonArray("x"));
        assertNull(params(Format.JSON, "  \n"));
        assertEquals(new JsonArray().add(1).add("a"), params(Format.JSON, "[1, \"a\"]"));
    }

    @Test
    void theBudgetHoldsInEveryFormat() {
        String many = "[" + "0,".repeat(100_000) + "0]";
        assertEquals("Invalid JSON body: more than 100000 values", refusal(Format.JSON, many).getMessage());
        assertEquals(413, refusal(Format.JSON, many).status());
        assertEquals("Invalid JSON body: nested deeper than 64 levels", refusal(Format.JSON, "[".repeat(65) + "]".repeat(65)).getMessage());
        assertEquals("Invalid JSON body: number out of range: exponents are limited to 1000", refusal(Format.JSON, "{\"a\": 1e200000}").getMessage());
        assertEquals("Invalid YAML body: number out of range: exponents are limited to 1000", refusal(Format.YAML, "a: 1e1001").getMessage());
        assertEquals("Invalid YAML body: more than 100000 values", refusal(Format.YAML, "a:\n" + "- 1\n".repeat(100_001)).getMessage());
        assertEquals("Invalid XML body: more than 100000 values",
                refusal(Format.XML, "<invoice>" + "<a>1</a>".repeat(100_001) + "</invoice>").getMessage());
        assertEquals("Invalid form body: nested deeper than 64 levels", refusal(Format.FORM, "a" + "[x]".repeat(1500) + "=1").getMessage());
        assertEquals("Invalid form body: more than 100000 values", refusal(Format.FORM, "a[]=1&".repeat(50_001)).getMessage());
    }

    @Test
    void duplicatesAndAliasesAreRefused() {
        assertEquals("Duplicate key: a", refusal(Format.JSON, "{\"a\":1,\"a\":2}").getMessage());
        assertEquals("Duplicate key: a", refusal(Format.YAML, "a: 1\na: 2\n").getMessage());
        assertEquals("Duplicate key: a[0]", refusal(Format.FORM, "a[0]=1&a[0]=2").getMessage());
        assertEquals("Invalid YAML body: anchors and aliases are not supported", refusal(Format.YAML, "a: &x 1\nb: *x\n").getMessage());
    }

    @Test
    void xmlIsTheMethodsElementWithStringValues() {
        assertEquals(new JsonObject().put("label", "a").put("amount_msat", "5"),
                params(Format.XML, "<invoice><label>a</label><amount_msat>5</amount_msat></invoice>"));
        assertEquals("Invalid XML body: the root element must be the method's name <invoice>, not <pay>",
                refusal(Format.XML, "<pay><a>1</a></pay>").getMessage());
    }

    @Test
    void formBracketsMakeArraysAndObjects() {
        assertEquals(new JsonObject().put("key", new JsonArray().add("a").add("b")).put("obj", new JsonObject().put("f", "1")),
                params(Format.FORM, "key[0]=a&key[1]=b&obj[f]=1"));
        assertEquals(new JsonObject().put("k", new JsonArray().add("x").add("y")), params(Format.FORM, "k[]=x&k[]=y"));
        assertEquals("Invalid form body: malformed key 'a[b'", refusal(Format.FORM, "a[b=1").getMessage());
        assertEquals(new JsonObject().put("a", 1), params(Format.FORM, "{\"a\":1}"), "curl -d '{...}' is JSON");
    }

    @Test
    void resultsRenderInEachFormat() {
        Buffer result = Buffer.buffer("{\"id\":\"02ab\",\"msat\":1152921504606846983,\"list\":[{\"k\":\"v\"}]}");
        assertEquals(result, Format.JSON.render(result, "getinfo"), "JSON passes through untouched");
        assertEquals("id: 02ab\nmsat: 1152921504606846983\nlist:\n- k: v\n", Format.YAML.render(result, "getinfo").toString());
        assertEquals("<getinfo><id>02ab</id><msat>1152921504606846983</msat><list><k>v</k></list></getinfo>",
                Format.XML.render(result, "getinfo").toString());
        assertEquals("id=02ab&msat=1152921504606846983&list[0][k]=v", Format.FORM.render(result, "getinfo").toString());
    }
}
