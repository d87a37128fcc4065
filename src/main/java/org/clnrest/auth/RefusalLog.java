package org.clnrest.auth;

import org.slf4j.Logger;

/**
 * Refusals go to lightningd's log, but a flood of junk runes must not flood it: the first
 * {@link #PER_WINDOW} refusals of each {@link #WINDOW_MS} window are logged as they happen, the rest are
 * counted and summed up in one line when the next refusal comes after the window. Event-loop confined.
 */
public final class RefusalLog {
    static final int PER_WINDOW = 10;
    static final long WINDOW_MS = 10_000;

    private final Logger log;
    private final String what;
    private long windowStart;
    private int inWindow;
    private int suppressed;

    /** {@code what}: how a line starts, e.g. "Refused a REST call". */
    public RefusalLog(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    /** One refusal: {@code detail} names the call and the rune by its id only ({@link RuneId}). */
    public void refused(String detail, Object code, String message) {
        long now = System.currentTimeMillis();
        if (now - windowStart >= WINDOW_MS) {
            if (suppressed > 0) {
                log.info("{}: {} more refusals not logged in the last {} s", what, suppressed, (now - windowStart) / 1000);
            }
            windowStart = now;
            inWindow = 0;
            suppressed = 0;
        }
        if (++inWindow <= PER_WINDOW) {
            log.info("{} ({}): Error code {}: {}", what, detail, code, message);
        } else {
            suppressed++;
        }
    }
}
