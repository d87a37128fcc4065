package org.clnrest.plugin;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Memory given back after load. The serial GC grows the heap under load (up to -Xmx, 512 MiB) and gives it back
 * only at a full collection, which an idle plugin never has: after a flood RSS stayed at 500-600 MiB for good
 * (issue 22). Every {@value #PERIOD_MS} ms this looks at the heap: when a whole period passed with at most
 * {@value #QUIET_COLLECTIONS} collections (little allocates: the load is over) while more than
 * {@value #COMMITTED_OVER} bytes of heap are committed, it asks for full collections. The launcher's -XX:MaxHeapFreeRatio then makes the serial GC shrink
 * the heap to what is live plus that share and uncommit the rest, and its native heap trim
 * (-XX:TrimNativeHeapInterval) returns what malloc kept. Once per quiet spell: asked again only after the plugin has
 * been busy (more collections than that in a period) in between, so an idle plugin is not collected over and over.
 */
public final class HeapGiveBack {
    static final long PERIOD_MS = 10_000;
    static final long COMMITTED_OVER = 48L << 20;
    /** At most this many collections in a period is a quiet one (a wallet's call every 100 ms is; a flood is not). */
    static final int QUIET_COLLECTIONS = 2;

    private long lastCollections = -1;
    private boolean askedThisSpell;

    private HeapGiveBack() {}

    /** On a daemon thread of its own: a full collection stops the world anyway, and no event loop waits for it. */
    public static void start() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heap-give-back");
            t.setDaemon(true);
            return t;
        });
        HeapGiveBack g = new HeapGiveBack();
        timer.scheduleWithFixedDelay(g::tick, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    void tick() {
        long now = collections();
        boolean quiet = lastCollections >= 0 && now - lastCollections <= QUIET_COLLECTIONS;
        lastCollections = now;
        if (!quiet) {
            askedThisSpell = false;
        } else if (!askedThisSpell && Runtime.getRuntime().totalMemory() > COMMITTED_OVER) {
            askedThisSpell = true;
            // The serial GC damps shrinking over consecutive full collections (none at the first, 10 % at the second,
            // 40 % at the third, all from the fourth: CardGeneration::compute_new_size), for programs that call
            // System.gc() between phases: up to four, until the heap is under the mark (the first may shrink nothing).
            // Each costs milliseconds when little is live, which is the case here.
            for (int i = 0; i < 4 && Runtime.getRuntime().totalMemory() > COMMITTED_OVER; i++) {
                System.gc();
            }
            lastCollections = collections();
        }
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }
}
