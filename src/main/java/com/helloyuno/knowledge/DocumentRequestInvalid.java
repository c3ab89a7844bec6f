package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** A document request with a field that is missing or invalid. */
final class DocumentRequestInvalid extends ApiException {

    DocumentRequestInvalid(String detail) {
        super(HttpStatus.BAD_REQUEST, "invalid_request", detail);
    }
}
