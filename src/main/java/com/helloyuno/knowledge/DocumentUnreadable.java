package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** The file claims a supported type but could not be read, e.g. a damaged or encrypted PDF. */
final class DocumentUnreadable extends ApiException {

    DocumentUnreadable(String detail) {
        super(HttpStatus.UNPROCESSABLE_CONTENT, "document_unreadable", detail);
    }
}
