package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** The document holds no text. */
final class DocumentEmpty extends ApiException {

    DocumentEmpty(String detail) {
        super(HttpStatus.BAD_REQUEST, "document_empty", detail);
    }
}
