package com.helloyuno.spool;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a PostgreSQL that is away from a write it refuses. Only the first is worth waiting for:
 * a write refused for its data (an invalid byte, a violated constraint) fails the same way every
 * time, and retrying it in front of the others would stop every later write.
 */
final class Outages {

    /**
     * SQLSTATE classes and codes of a server that cannot take the write now: connection exceptions
     * (08), operator intervention such as a shutdown (57P), insufficient resources (53), a
     * statement cancelled by a timeout (57014), and the transaction conflicts that succeed when
     * retried (40001, 40P01).
     */
    private static final Set<String> TRANSIENT_CODES = Set.of("57014", "40001", "40P01");

    private Outages() {}

    static boolean isOutage(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause()) {
            // A write in a transaction whose connection broke fails twice: the statement, then the
            // rollback, and the rollback's failure is what is thrown; the statement's says why.
            if (cause instanceof TransactionSystemException tx
                    && tx.getApplicationException() != null
                    && isOutage(tx.getApplicationException())) {
                return true;
            }
            if (cause instanceof CannotGetJdbcConnectionException
                    || cause instanceof DataAccessResourceFailureException
                    || cause instanceof TransientDataAccessResourceException
                    || cause instanceof QueryTimeoutException
                    || cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLRecoverableException
                    || cause instanceof IOException) {
                return true;
            }
            if (cause instanceof SQLException sql && isTransientState(sql.getSQLState())) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    static boolean isTransientState(String sqlState) {
        if (sqlState == null || sqlState.length() != 5) {
            return false;
        }
        return sqlState.startsWith("08")
                || sqlState.startsWith("57P")
                || sqlState.startsWith("53")
                || TRANSIENT_CODES.contains(sqlState);
    }

    /** What a log may say of a failure: its type and SQLSTATE, never its message (it may quote data). */
    static String describe(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return failure.getClass().getSimpleName() + " (SQLSTATE " + sql.getSQLState() + ")";
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return failure.getClass().getSimpleName();
    }
}
