package com.helloyuno.knowledge;

import org.springframework.dao.TransientDataAccessResourceException;

/**
 * A search did not get its turn within {@code yuno.knowledge.retrieval.max-wait}: PostgreSQL is
 * up but busy with {@code max-concurrent} other searches. A data-access failure like an outage, so
 * that callers that answer without passages then need nothing more.
 */
public final class RetrievalBusy extends TransientDataAccessResourceException {

    RetrievalBusy(int inProgress) {
        super("Knowledge search busy: " + inProgress + " searches in progress");
    }
}
