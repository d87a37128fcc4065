package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.Vertx;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-client and global caps: who is dropped, and what stops counting. */
class NotificationBudgetTest {
    final Vertx vertx = Vertx.vertx();
    final List<String> dropped = new ArrayList<>();

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    NotificationBudget budget(long perClient, long total) {
        return Sessions.budget(vertx, perClient, total);
    }

    NotificationBudget.Account client(NotificationBudget b, String name) {
        NotificationBudget.Account[] a = new NotificationBudget.Account[1];
        a[0] = b.open(reason -> {
            dropped.add(name + ":" + reason);
            a[0].close();
        });
        return a[0];
    }

    @Test
    void aClientOverItsOwnCapIsToldSo() {
        NotificationBudget b = budget(100, 1_000);
        NotificationBudget.Account a = client(b, "a");
        assertTrue(a.add(100));
        assertFalse(a.add(1));
        a.release(50);
        assertEquals(51, a.held());
        a.close();
        assertEquals(0, b.used());
    }

    @Test
    void overTheTotalTheBiggestHoldersAreDropped() {
        NotificationBudget b = budget(1_000, 250);
        NotificationBudget.Account small = client(b, "small");
        NotificationBudget.Account big = client(b, "big");
        NotificationBudget.Account mid = client(b, "mid");
        assertTrue(small.add(10));
        assertTrue(big.add(150));
        assertTrue(mid.add(80));
        assertTrue(small.add(20)); // 260 > 250: big goes, the one adding stays
        assertEquals(List.of("big:GLOBAL_BUDGET"), dropped);
        assertEquals(110, b.used());
        assertFalse(mid.add(200)); // 310: mid holds the most now, and is dropped by its own add
        assertEquals(List.of("big:GLOBAL_BUDGET", "mid:GLOBAL_BUDGET"), dropped);
        assertFalse(mid.add(1), "a dropped client counts nothing more");
        assertEquals(30, b.used());
    }
}
