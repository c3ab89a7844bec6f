package com.helloyuno.testsupport;

/**
 * Drops a test's own database. PostgreSQL 15 refuses {@code DROP DATABASE ... WITH (FORCE)} to a
 * role that is not a superuser while an autovacuum worker is in the database ("must be a member of
 * the role whose process is being terminated"), and a freshly migrated database often has one for
 * a moment; so the drop is tried again for a few seconds when that is the reason.
 */
public final class DatabaseDrops {

    /** The statement that drops the database. */
    @FunctionalInterface
    public interface Drop {
        void run() throws Exception;
    }

    private DatabaseDrops() {}

    public static void drop(Drop drop) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                drop.run();
                return;
            } catch (Exception e) {
                if (attempt >= 40 || !autovacuumInTheWay(e)) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
    }

    private static boolean autovacuumInTheWay(Throwable e) {
        for (var cause = e; cause != null; cause = cause.getCause()) {
            if (String.valueOf(cause.getMessage()).contains("pg_signal_backend")) {
                return true;
            }
        }
        return false;
    }
}
