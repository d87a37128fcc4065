package org.clnrest.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.LuminanceSource;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

import org.junit.jupiter.api.Test;

/** The demo's terminal QR code, read back from its text by a real decoder (ZXing), as a phone would read the screen. */
class TerminalQrTest {

    /** The text as a picture: each character two modules high, blocks light, spaces dark, 4 pixels a module. */
    static String decode(String text) throws Exception {
        String[] lines = text.split("\n");
        int w = lines[0].length();
        int h = lines.length * 2;
        int scale = 4;
        int[] px = new int[w * h * scale * scale];
        for (int row = 0; row < lines.length; row++) {
            for (int x = 0; x < w; x++) {
                char c = lines[row].charAt(x);
                boolean top = c == '\u2588' || c == '\u2580';
                boolean bottom = c == '\u2588' || c == '\u2584';
                fill(px, w * scale, x, row * 2, scale, top);
                fill(px, w * scale, x, row * 2 + 1, scale, bottom);
            }
        }
        LuminanceSource src = new RGBLuminanceSource(w * scale, h * scale, px);
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(src)),
                Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE, DecodeHintType.POSSIBLE_FORMATS, BarcodeFormat.QR_CODE)).getText();
    }

    private static void fill(int[] px, int stride, int mx, int my, int scale, boolean light) {
        for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
                px[(my * scale + dy) * stride + mx * scale + dx] = light ? 0xFFFFFF : 0x000000;
            }
        }
    }

    @Test
    void aShortUriReadsBack() throws Exception {
        String uri = "clnrest+https://node.example:3010?rune=abc%3D";
        assertEquals(uri, decode(TerminalQr.render(uri)));
    }

    @Test
    void aUriWithItsCertificatesReadsBack() throws Exception {
        StringBuilder certs = new StringBuilder();
        for (int i = 0; certs.length() < 2300; i++) {
            certs.append(Integer.toString(i * 7919, 36)).append("%2B");
        }
        String uri = "clnrest+https://node.example:3010?rune=abcdefghijklmnopqrstuvwxyz0123456789&certs=" + certs;
        assertEquals(uri, decode(TerminalQr.render(uri)));
    }
}
