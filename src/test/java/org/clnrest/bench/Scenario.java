package org.clnrest.bench;

/** One group of measurements ({@code bench/run --only=<name>,...}); each adds its rows, figures beside targets. */
interface Scenario {
    String name();

    void run(Bench bench) throws Exception;
}
