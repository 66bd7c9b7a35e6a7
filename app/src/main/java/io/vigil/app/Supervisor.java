package io.vigil.app;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the demo's child processes running: one that exits is started again with the same arguments, with one
 * console line saying so. A real deployment leaves this to its service manager (docs/deploy.md); the demo should
 * survive a crashed or killed child the same way instead of taking the whole stack down. A child that keeps dying
 * ({@link #MAX_RESTARTS} restarts within {@link #RESTART_WINDOW}) is not restarted again: the demo stops, naming
 * its log.
 */
final class Supervisor implements AutoCloseable {
    static final int MAX_RESTARTS = 5;
    static final Duration RESTART_WINDOW = Duration.ofMinutes(2);

    /** What the supervisor needs of a child process ({@link ChildJvm} in the demo). */
    interface Process extends AutoCloseable {
        String name();

        boolean isAlive();

        int exitCode();

        @Override
        void close();
    }

    /** Starts one child; called again for every restart. */
    @FunctionalInterface
    interface Start<P extends Process> {
        P start() throws Exception;
    }

    private static final class Child {
        final Start<?> start;
        Process running;
        final List<Long> restarts = new ArrayList<>();

        Child(Start<?> start, Process running) {
            this.start = start;
            this.running = running;
        }
    }

    private final List<Child> children = new ArrayList<>();
    private final Path logs;
    private final PrintStream out;

    Supervisor(Path logs, PrintStream out) {
        this.logs = logs;
        this.out = out;
    }

    /** Starts a child and supervises it from now on. */
    <P extends Process> P add(Start<P> start) throws Exception {
        P child = start.start();
        children.add(new Child(start, child));
        return child;
    }

    /**
     * Restarts every child that has exited.
     *
     * @return null while all run (or were restarted); else the reason the demo must stop
     */
    String check() throws Exception {
        for (Child c : children) {
            if (c.running.isAlive()) {
                continue;
            }
            long now = System.nanoTime();
            c.restarts.removeIf(at -> now - at > RESTART_WINDOW.toNanos());
            String log = logs.resolve(c.running.name() + ".log").toString();
            if (c.restarts.size() >= MAX_RESTARTS) {
                return c.running.name() + " exited " + (MAX_RESTARTS + 1) + " times within " + RESTART_WINDOW.toMinutes()
                        + " minutes (exit code " + c.running.exitCode() + "); see " + log;
            }
            c.restarts.add(now);
            out.printf("vigil: %s exited (exit code %d); restarting it (log: %s)%n", c.running.name(),
                    c.running.exitCode(), log);
            c.running = c.start.start();
        }
        return null;
    }

    /** The children now running, in start order. */
    List<Process> running() {
        return children.stream().map(c -> c.running).toList();
    }

    /** Stops the children in reverse start order: clients before the processes they talk to. */
    @Override
    public void close() {
        for (int i = children.size() - 1; i >= 0; i--) {
            children.get(i).running.close();
        }
    }
}
