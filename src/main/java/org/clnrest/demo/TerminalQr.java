package org.clnrest.demo;

import io.nayuki.qrcodegen.QrCode;

/**
 * A QR code drawn with Unicode half blocks, two module rows per text line, for a terminal with light text
 * on a dark background (as {@code qrencode -t UTF8} draws it): a block is a light module, a space a dark one,
 * and a quiet zone of {@link #BORDER} light modules surrounds the code.
 */
final class TerminalQr {
    static final int BORDER = 2;

    private TerminalQr() {}

    static String render(String text) {
        QrCode qr = QrCode.encodeText(text, QrCode.Ecc.LOW);
        StringBuilder out = new StringBuilder();
        for (int y = -BORDER; y < qr.size + BORDER; y += 2) {
            for (int x = -BORDER; x < qr.size + BORDER; x++) {
                boolean top = light(qr, x, y);
                boolean bottom = light(qr, x, y + 1);
                out.append(top && bottom ? '\u2588' : top ? '\u2580' : bottom ? '\u2584' : ' ');
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Outside the code (the quiet zone, and the last half line) is light. */
    private static boolean light(QrCode qr, int x, int y) {
        return x < 0 || y < 0 || x >= qr.size || y >= qr.size || !qr.getModule(x, y);
    }
}
