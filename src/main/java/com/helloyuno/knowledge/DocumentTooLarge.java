package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** The document is over one of the knowledge base's limits (size, characters or chunks). */
final class DocumentTooLarge extends ApiException {

    DocumentTooLarge(String detail) {
        super(HttpStatus.CONTENT_TOO_LARGE, "document_too_large", detail);
    }
}
